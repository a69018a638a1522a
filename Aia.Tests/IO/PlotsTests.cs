using Aia.Engine.IO;
using Aia.Engine.Training;
using NUnit.Framework;

namespace Aia.Tests.IO;

public sealed class PlotsTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47];

    [Test]
    public void DrawsEveryPlotAsPng()
    {
        var dir = Directory.CreateTempSubdirectory("aia-plots-").FullName;
        try
        {
            var rows = Enumerable.Range(1, 4).Select(e => new EpochMetrics
            {
                Epoch = e, TrainLoss = 2.0 / e, TrainAccuracy = 0.2 * e, TestLoss = 2.2 / e, TestAccuracy = 0.18 * e,
            }).ToList();
            Plots.TrainingCurves(rows, Path.Combine(dir, "loss.png"), Path.Combine(dir, "acc.png"));
            Plots.SpikesPerLayer(["conv1", "conv2"], [("lif", [10.0, 5.0]), ("aia", [8.0, 4.0])], Path.Combine(dir, "spikes.png"));
            Plots.WeightHistograms([("init", [-0.1f, 0f, 0.1f, 0.05f]), ("trained", [-0.2f, 0.3f, 0.1f])], Path.Combine(dir, "w.png"));
            foreach (var f in new[] { "loss.png", "acc.png", "spikes.png", "w.png" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(dir, f));
                Assert.That(bytes[..4], Is.EqualTo(PngSignature), f);
                Assert.That(bytes.Length, Is.GreaterThan(2000), f);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void MetricsLogWritesJsonlAndCsvAndTruncatesOnResume()
    {
        var dir = Directory.CreateTempSubdirectory("aia-metrics-").FullName;
        try
        {
            var log = new MetricsLog(dir);
            for (int e = 1; e <= 3; e++)
                log.Append(new EpochMetrics { Epoch = e, TrainLoss = 1.0 / e, SpikesPerSample = new Dictionary<string, double> { ["features.2"] = 10 * e } });
            var reloaded = new MetricsLog(dir);
            Assert.That(reloaded.Rows.Select(r => r.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(reloaded.Rows[1].SpikesPerSample["features.2"], Is.EqualTo(20));
            reloaded.TruncateAfter(1);
            Assert.That(File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")), Has.Length.EqualTo(1));
            var csv = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
            Assert.That(csv[0], Does.StartWith("epoch,step,lr,train_loss").And.Contain("spikes_per_sample/features.2"));
            Assert.That(csv, Has.Length.EqualTo(2));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
