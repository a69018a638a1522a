using Aia.Engine.Data.Formats;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// N-Caltech101 as distributed: <c>ROOT/Caltech101/&lt;class&gt;/image_NNNN.bin</c> (or ROOT/&lt;class&gt;/ directly),
/// ATIS events on a sensor of at most 240x180. The BACKGROUND_Google folder is left out unless asked for
/// (101 object classes, as NDA uses them). No official split: a seeded 9:1 per class (see <see cref="DatasetFolder.SplitEach"/>).
/// </summary>
public static class NCaltech101
{
    /// <summary>The largest sample's extent: 240 columns, 180 rows.</summary>
    public static readonly SensorSize Sensor = new(240, 180);

    /// <summary>Lists the samples under <paramref name="root"/>.</summary>
    public static EventCorpus Scan(string root, DatasetOptions options)
    {
        DatasetFolder.Require(root, "N-Caltech101", "ROOT/Caltech101/<class>/*.bin");
        string top = DatasetFolder.Find(root, "Caltech101") ?? root;
        var folders = DatasetFolder.Subfolders(top)
            .Where(d => options.IncludeBackground || Path.GetFileName(d) != "BACKGROUND_Google")
            .Where(d => DatasetFolder.Files(d, ".bin").Length > 0).ToArray();
        if (folders.Length == 0) throw new DirectoryNotFoundException($"N-Caltech101: no class folders with .bin files under {top}.");
        var files = folders.Select(d => DatasetFolder.Files(d, ".bin")).ToArray();
        if (options.SplitRule.Trim().Equals("tebn", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("N-Caltech101: the tebn split rule (first 100 per class as test) is CIFAR10-DVS's; use seeded or ordered.");
        var (train, test, rule) = DatasetFolder.SplitEach(files, options.SplitRule, options.SplitSeed);
        Events Read(string f) => AtisBinReader.Read(f, Sensor);
        return new EventCorpus("n-caltech101", folders.Select(Path.GetFileName).ToArray()!, Sensor,
            DatasetFolder.Samples(train, Read), DatasetFolder.Samples(test, Read),
            [.. DatasetFolder.Fingerprint(top, files.SelectMany(f => f)), new("split.rule", rule),
                new("background", options.IncludeBackground.ToString())]);
    }
}
