using Aia.Engine.Data.Formats;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// CIFAR10-DVS as distributed: <c>ROOT/&lt;class&gt;/cifar10_&lt;class&gt;_&lt;n&gt;.aedat</c> (AER-DAT2.0, 128x128),
/// 10 classes x 1,000. No official split: per class, the first 9/10 in file-number order train, the rest test
/// (900 / 100).
/// </summary>
public static class Cifar10Dvs
{
    /// <summary>Lists the samples under <paramref name="root"/>.</summary>
    public static EventCorpus Scan(string root, DatasetOptions options)
    {
        DatasetFolder.Require(root, "CIFAR10-DVS", "ROOT/<class>/*.aedat");
        var folders = DatasetFolder.Subfolders(root).Where(d => DatasetFolder.Files(d, ".aedat").Length > 0).ToArray();
        if (folders.Length == 0) throw new DirectoryNotFoundException($"CIFAR10-DVS: no class folders with .aedat files under {root}.");
        var files = folders.Select(d => DatasetFolder.Files(d, ".aedat")).ToArray();
        var (train, test) = DatasetFolder.SplitEach(files, 9, 10);
        return new EventCorpus("cifar10-dvs", folders.Select(Path.GetFileName).ToArray()!, AedatReader.Dvs128,
            DatasetFolder.Samples(train, AedatReader.Read), DatasetFolder.Samples(test, AedatReader.Read),
            [.. DatasetFolder.Fingerprint(root, files.SelectMany(f => f)), new("split.rule", "first 9/10 per class train")]);
    }
}
