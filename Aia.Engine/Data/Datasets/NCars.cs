using Aia.Engine.Data.Formats;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// N-CARS as distributed: <c>ROOT/n-cars_train/{background,cars}/*.dat</c> and <c>ROOT/n-cars_test/...</c>
/// (Prophesee Event2D, 120x100, 100 ms samples); the official train/test folders. Labels: background 0, cars 1.
/// </summary>
public static class NCars
{
    /// <summary>120 columns, 100 rows.</summary>
    public static readonly SensorSize Sensor = new(120, 100);

    private static readonly string[] Classes = ["background", "cars"];

    /// <summary>Lists the samples under <paramref name="root"/>.</summary>
    public static EventCorpus Scan(string root, DatasetOptions options)
    {
        const string layout = "ROOT/n-cars_train/{background,cars}/*.dat, ROOT/n-cars_test/{background,cars}/*.dat";
        DatasetFolder.Require(root, "N-CARS", layout);
        var (train, trainFiles) = Split(DatasetFolder.Find(root, "n-cars_train", "train"), "n-cars_train", layout);
        var (test, testFiles) = Split(DatasetFolder.Find(root, "n-cars_test", "test"), "n-cars_test", layout);
        return new EventCorpus("n-cars", Classes, Sensor, train, test,
            [.. DatasetFolder.Fingerprint(root, trainFiles.Concat(testFiles)), new("split.rule", "official folders")]);
    }

    private static (List<EventSample>, List<string>) Split(string? folder, string name, string layout)
    {
        if (folder is null) throw new DirectoryNotFoundException($"N-CARS: no {name} folder (expected layout: {layout}).");
        var files = new List<(string, int)>();
        for (int label = 0; label < Classes.Length; label++)
        {
            string dir = DatasetFolder.Find(folder, Classes[label])
                ?? throw new DirectoryNotFoundException($"N-CARS: no {Classes[label]} folder in {folder} (expected layout: {layout}).");
            files.AddRange(DatasetFolder.Files(dir, ".dat").Select(f => (f, label)));
        }
        return (DatasetFolder.Samples(files, f => PropheseeDatReader.Read(f, Sensor)), files.Select(f => f.Item1).ToList());
    }
}
