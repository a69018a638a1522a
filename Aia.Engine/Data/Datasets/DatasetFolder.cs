using System.Globalization;

namespace Aia.Engine.Data.Datasets;

/// <summary>Folder-layout helpers shared by the dataset scanners: class folders, natural file order, splits, fingerprints.</summary>
internal static class DatasetFolder
{
    /// <summary>Throws a message naming the dataset and its expected layout when <paramref name="path"/> is missing.</summary>
    public static void Require(string path, string dataset, string layout)
    {
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"{dataset}: folder {path} not found (expected layout: {layout}).");
    }

    /// <summary>The subfolders of <paramref name="root"/>, ordinal order.</summary>
    public static string[] Subfolders(string root) =>
        Directory.GetDirectories(root).OrderBy(Path.GetFileName, StringComparer.Ordinal).ToArray();

    /// <summary>Files of <paramref name="folder"/> with <paramref name="extension"/>, in natural order (file_9 before file_10).</summary>
    public static string[] Files(string folder, string extension) =>
        Directory.GetFiles(folder).Where(f => f.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            .OrderBy(Path.GetFileName, NaturalOrder.Instance).ToArray();

    /// <summary>A subfolder of <paramref name="root"/> named one of <paramref name="names"/> (case-insensitive), or null.</summary>
    public static string? Find(string root, params string[] names) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root).FirstOrDefault(d => names.Contains(Path.GetFileName(d), StringComparer.OrdinalIgnoreCase))
            : null;

    /// <summary>
    /// Splits each class's files for a dataset without an official split, by <paramref name="rule"/>:
    /// <c>seeded</c> (the default) holds out n - floor(9 n / 10) files of each class chosen by a shuffle seeded with
    /// (<paramref name="seed"/>, class) as test and trains on the rest (9:1, the same split on every machine for a
    /// seed); <c>ordered</c> takes the first 9/10 in natural file order as train; <c>tebn</c> (TEBN's and
    /// others' CIFAR10-DVS convention) takes the first 100 files of each class as test. Returns the split and a
    /// description for the cache header and the log.
    /// </summary>
    public static (List<(string File, int Label)> Train, List<(string File, int Label)> Test, string Rule) SplitEach(
        IReadOnlyList<string[]> classes, string rule, int seed)
    {
        var (train, test) = (new List<(string, int)>(), new List<(string, int)>());
        string key = rule.Trim().ToLowerInvariant();
        for (int label = 0; label < classes.Count; label++)
        {
            var files = classes[label];
            bool[] held = new bool[files.Length];
            switch (key)
            {
                case "seeded":
                    var order = Enumerable.Range(0, files.Length).ToArray();
                    new Runtime.Rng(Seeds.Derive((ulong)seed, label, 0x5EED)).Shuffle(order);
                    foreach (int i in order[(files.Length * 9 / 10)..]) held[i] = true;
                    break;
                case "ordered":
                    for (int i = files.Length * 9 / 10; i < files.Length; i++) held[i] = true;
                    break;
                case "tebn":
                    for (int i = 0; i < Math.Min(100, files.Length); i++) held[i] = true;
                    break;
                default:
                    throw new ArgumentException($"unknown split rule '{rule}'; use seeded, ordered or tebn.");
            }
            for (int i = 0; i < files.Length; i++)
                (held[i] ? test : train).Add((files[i], label));
        }
        string description = key switch
        {
            "seeded" => $"seeded 9:1 per class (split seed {seed})",
            "ordered" => "first 9/10 per class train (file order)",
            _ => "TEBN: first 100 per class test (file order)",
        };
        return (train, test, description);
    }

    /// <summary>Root, file count, total bytes and newest write time: changes when files are added, removed or replaced.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Fingerprint(string root, IEnumerable<string> files)
    {
        long count = 0, bytes = 0, newest = 0;
        foreach (var f in files)
        {
            var info = new FileInfo(f);
            count++;
            bytes += info.Length;
            newest = Math.Max(newest, info.LastWriteTimeUtc.Ticks);
        }
        yield return new("source.root", Path.GetFullPath(root));
        yield return new("source.files", count.ToString(CultureInfo.InvariantCulture));
        yield return new("source.bytes", bytes.ToString(CultureInfo.InvariantCulture));
        yield return new("source.newest", new DateTime(newest, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture));
    }

    /// <summary>Samples reading each (file, label) with <paramref name="read"/>.</summary>
    public static List<EventSample> Samples(IEnumerable<(string File, int Label)> files, Func<string, Events> read) =>
        files.Select(f => new EventSample(f.File, f.Label, () => NotEmpty(read(f.File), f.File))).ToList();

    /// <summary>A recording without a single event (an empty file, or only overflow markers) cannot be a sample.</summary>
    private static Events NotEmpty(Events events, string file) =>
        events.Count > 0 ? events : throw new EventFileException(file, 0, "holds no events (an empty recording cannot be a training sample)");

    /// <summary>Compares names with embedded numbers by value, so sample_2 sorts before sample_10.</summary>
    private sealed class NaturalOrder : IComparer<string?>
    {
        public static readonly NaturalOrder Instance = new();

        public int Compare(string? a, string? b)
        {
            if (a is null || b is null) return string.CompareOrdinal(a, b);
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
                {
                    int si = i, sj = j;
                    while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                    while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                    var (na, nb) = (a[si..i].TrimStart('0'), b[sj..j].TrimStart('0'));
                    int c = na.Length != nb.Length ? na.Length.CompareTo(nb.Length) : string.CompareOrdinal(na, nb);
                    if (c != 0) return c;
                }
                else
                {
                    if (a[i] != b[j]) return a[i].CompareTo(b[j]);
                    i++;
                    j++;
                }
            }
            int rest = (a.Length - i).CompareTo(b.Length - j);
            return rest != 0 ? rest : string.CompareOrdinal(a, b);
        }
    }
}
