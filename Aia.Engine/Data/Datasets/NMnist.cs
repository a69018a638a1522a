using Aia.Engine.Data.Formats;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// N-MNIST as distributed: <c>ROOT/Train/&lt;digit&gt;/*.bin</c> and <c>ROOT/Test/&lt;digit&gt;/*.bin</c> (ATIS, 34x34);
/// the official 60,000 / 10,000 split.
/// </summary>
public static class NMnist
{
    /// <summary>34x34.</summary>
    public static readonly SensorSize Sensor = new(34, 34);

    /// <summary>Lists the samples under <paramref name="root"/>.</summary>
    public static EventCorpus Scan(string root, DatasetOptions options)
    {
        const string layout = "ROOT/Train/<digit>/*.bin, ROOT/Test/<digit>/*.bin";
        DatasetFolder.Require(root, "N-MNIST", layout);
        string train = DatasetFolder.Find(root, "Train") ?? throw new DirectoryNotFoundException($"N-MNIST: no Train folder in {root} (expected layout: {layout}).");
        string test = DatasetFolder.Find(root, "Test") ?? throw new DirectoryNotFoundException($"N-MNIST: no Test folder in {root} (expected layout: {layout}).");
        var classes = DatasetFolder.Subfolders(train).Select(Path.GetFileName).ToArray()!;
        var trainFiles = Files(train, classes!);
        var testFiles = Files(test, classes!);
        Events Read(string f) => AtisBinReader.Read(f, Sensor);
        return new EventCorpus("n-mnist", classes!, Sensor, DatasetFolder.Samples(trainFiles, Read), DatasetFolder.Samples(testFiles, Read),
            [.. DatasetFolder.Fingerprint(root, trainFiles.Concat(testFiles).Select(f => f.File)), new("split.rule", "official folders")]);
    }

    private static List<(string File, int Label)> Files(string split, string[] classes) =>
        classes.SelectMany((c, label) =>
        {
            string dir = Path.Combine(split, c);
            return Directory.Exists(dir) ? DatasetFolder.Files(dir, ".bin").Select(f => (f, label)) : [];
        }).ToList();
}
