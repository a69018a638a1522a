using Aia.Engine.Data.Formats;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// CIFAR10-DVS as distributed: <c>ROOT/&lt;class&gt;/cifar10_&lt;class&gt;_&lt;n&gt;.aedat</c> (AER-DAT2.0, 128x128),
/// 10 classes x 1,000. No official split: by default a seeded 9:1 per class (900 / 100, see
/// <see cref="DatasetFolder.SplitEach"/>), or TEBN's first 100 per class as test (<c>--split-rule tebn</c>).
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
        var (train, test, rule) = DatasetFolder.SplitEach(files, options.SplitRule, options.SplitSeed);
        return new EventCorpus("cifar10-dvs", folders.Select(Path.GetFileName).ToArray()!, AedatReader.Dvs128,
            DatasetFolder.Samples(train, AedatReader.Read), DatasetFolder.Samples(test, AedatReader.Read),
            [.. DatasetFolder.Fingerprint(root, files.SelectMany(f => f)), new("split.rule", rule)]);
    }
}
