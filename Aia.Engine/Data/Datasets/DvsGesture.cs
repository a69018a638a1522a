using System.Globalization;
using Aia.Engine.Data.Formats;
using Aia.Engine.IO;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// DVS128 Gesture as distributed: <c>ROOT/trials_to_train.txt</c>, <c>ROOT/trials_to_test.txt</c> (one .aedat
/// name per line), <c>ROOT/userNN_&lt;lighting&gt;.aedat</c> (AEDAT 3.1, 128x128) and
/// <c>ROOT/userNN_&lt;lighting&gt;_labels.csv</c> (class 1-11, start and end in microseconds). One sample per label
/// row: the recording's events with start &lt;= t &lt; end. Each recording is read once for all its samples.
/// </summary>
public static class DvsGesture
{
    private static readonly string[] Classes =
    [
        "hand_clapping", "right_hand_wave", "left_hand_wave", "right_arm_clockwise", "right_arm_counter_clockwise",
        "left_arm_clockwise", "left_arm_counter_clockwise", "arm_roll", "air_drums", "air_guitar", "other_gestures",
    ];

    /// <summary>Lists the samples under <paramref name="root"/>.</summary>
    public static EventCorpus Scan(string root, DatasetOptions options)
    {
        const string layout = "ROOT/trials_to_train.txt, ROOT/trials_to_test.txt, ROOT/userNN_<lighting>.aedat and _labels.csv";
        DatasetFolder.Require(root, "DVS128 Gesture", layout);
        var used = new List<string>();
        var train = Trials(root, "trials_to_train.txt", layout, used);
        var test = Trials(root, "trials_to_test.txt", layout, used);
        return new EventCorpus("dvs-gesture", Classes, AedatReader.Dvs128, train, test,
            [.. DatasetFolder.Fingerprint(root, used), new("split.rule", "official trial lists")]);
    }

    private static List<EventSample> Trials(string root, string list, string layout, List<string> used)
    {
        string listPath = Path.Combine(root, list);
        if (!File.Exists(listPath)) throw new FileNotFoundException($"DVS128 Gesture: {listPath} not found (expected layout: {layout}).", listPath);
        var samples = new List<EventSample>();
        foreach (var name in Lines(listPath).Select(l => l.Trim()).Where(l => l.EndsWith(".aedat", StringComparison.Ordinal)))
        {
            string aedat = Path.Combine(root, name), csv = Path.Combine(root, Path.GetFileNameWithoutExtension(name) + "_labels.csv");
            if (!File.Exists(csv)) throw new FileNotFoundException($"DVS128 Gesture: labels {csv} not found for {name}.", csv);
            used.Add(aedat);
            used.Add(csv);
            var rows = ReadLabels(csv);
            var recording = new Recording(aedat, rows.Count);
            samples.AddRange(rows.Select(r => new EventSample($"{aedat} [{Classes[r.Label]} {r.Start}..{r.End} us]", r.Label, () => recording.Between(r.Start, r.End))));
        }
        return samples;
    }

    /// <summary>The lines of a trial list or label file (at most 16 MiB; a device or pipe is refused).</summary>
    private static string[] Lines(string path) =>
        BoundedFile.ReadAllText(path, 16 << 20, why => new DatasetFileException(path, null, why)).Split('\n');

    private static List<(int Label, long Start, long End)> ReadLabels(string csv)
    {
        var rows = new List<(int, long, long)>();
        foreach (var (line, number) in Lines(csv).Select((l, i) => (l.Trim(), i + 1)))
        {
            if (line.Length == 0 || line.StartsWith("class", StringComparison.OrdinalIgnoreCase)) continue;
            var cells = line.Split(',');
            if (cells.Length < 3 || !int.TryParse(cells[0], CultureInfo.InvariantCulture, out int c) || c < 1 || c > Classes.Length
                || !long.TryParse(cells[1], CultureInfo.InvariantCulture, out long start) || !long.TryParse(cells[2], CultureInfo.InvariantCulture, out long end))
                throw new DatasetFileException(csv, null, $"line {number}: expected 'class,startTime_usec,endTime_usec' with class 1-{Classes.Length}, found {EventFile.Quote(line)}");
            rows.Add((c - 1, start, end));
        }
        return rows;
    }

    /// <summary>One recording shared by its samples: read on first use, released after the last.</summary>
    private sealed class Recording(string path, int uses)
    {
        private readonly Lock gate = new();
        private Events? events;
        private int remaining = uses;

        public Events Between(long start, long end)
        {
            Events all;
            lock (gate)
            {
                all = events ?? Aedat31Reader.Read(path, AedatReader.Dvs128);
                events = --remaining > 0 ? all : null;
            }
            return all.Between(start, end);
        }
    }
}
