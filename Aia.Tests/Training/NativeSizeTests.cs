using Aia.Engine.Models;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using Aia.Tests.Data;
using Aia.Tests.Support;
using NUnit.Framework;
using Serilog.Core;

namespace Aia.Tests.Training;

/// <summary>
/// Small generated recordings in each dataset's own format and folder layout, framed at the sensor's native size
/// (N-MNIST 34x34, N-CARS 120x100, DVS128 Gesture 128x128) and trained for an epoch with each preset and a spec:
/// 2x2 pooling floors odd sizes as PyTorch does, so no size needs to be a multiple of anything.
/// </summary>
public sealed class NativeSizeTests
{
    private static Device D => TestDevice.Cpu;
    private string root = "";

    [SetUp]
    public void CreateFolder()
    {
        root = EventFiles.TempFolder();
        D.Arena.Reset();
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(root, recursive: true);

    private static Ev[] Events(int seed, int width, int height) =>
        Enumerable.Range(0, 200).Select(k => new Ev((k * 7 + seed * 5) % width, (k * 3 + seed) % height, k * 100, (k + seed) % 2)).ToArray();

    /// <summary>Writes two classes of two training and one test recording and returns (dataset, root, native height, width).</summary>
    private (string Dataset, string Root, int Height, int Width) Write(string format)
    {
        switch (format)
        {
            case "n-mnist":
                foreach (var (split, n) in new[] { ("Train", 2), ("Test", 1) })
                    for (int d = 0; d < 2; d++)
                        for (int i = 0; i < n; i++)
                            EventFiles.Write(root, $"{split}/{d}/{i:D5}.bin", EventFiles.Atis(Events(i + 3 * d, 34, 34).Select(e => (Ev?)e)));
                return ("NMNIST", root, 34, 34);
            case "n-cars":
                foreach (var (split, n) in new[] { ("n-cars_train", 2), ("n-cars_test", 1) })
                    foreach (var (c, d) in new[] { ("cars", 0), ("background", 1) })
                        for (int i = 0; i < n; i++)
                            EventFiles.Write(root, $"{split}/{c}/obj_{i:D6}_td.dat", EventFiles.Prophesee(Events(i + 3 * d, 120, 100), ["% Date 2016", "% Height 100", "% Width 120"]));
                return ("ncars", root, 100, 120);
            default:
                var events = Events(1, 128, 128).Select(e => e with { X = e.X, Y = (e.Y * 13) % 128, T = e.T * 10 }).ToArray();
                byte[] file = [.. EventFiles.Aedat31Header(), .. EventFiles.Aedat31Polarity(events)];
                foreach (var user in new[] { "user01_led", "user02_led" })
                {
                    EventFiles.Write(root, $"{user}.aedat", file);
                    EventFiles.Write(root, $"{user}_labels.csv", "class,startTime_usec,endTime_usec\n1,0,90000\n2,90000,180000\n"u8.ToArray());
                }
                EventFiles.Write(root, "trials_to_train.txt", "user01_led.aedat\n"u8.ToArray());
                EventFiles.Write(root, "trials_to_test.txt", "user02_led.aedat\n"u8.ToArray());
                return ("DVSGesture", root, 128, 128);
        }
    }

    /// <summary>Every format with small and a spec; VGGSNN trains on N-MNIST (34 -> 17 -> 8 -> 4 -> 2), the cheapest.</summary>
    private static IEnumerable<TestCaseData> Cases() =>
        new[] { "n-mnist", "n-cars", "dvs-gesture" }.SelectMany(f => new[] { "small", "8,M,D0.1,8,A,8,A" }.Select(m => new TestCaseData(f, m)))
            .Append(new TestCaseData("n-mnist", "vggsnn"));

    [TestCaseSource(nameof(Cases))]
    public void NativeSizesTrainWithEveryPreset(string format, string model)
    {
        var (dataset, folder, height, width) = Write(format);
        var config = new TrainingConfig
        {
            Dataset = Aia.Engine.Data.Datasets.DatasetCatalog.Find(dataset).Name, Root = folder, Cache = Path.Combine(root, "cache"), NativeSize = true,
            Model = model, Neuron = "cached-aia", TimeSteps = 1, BatchSize = 2, Epochs = 1, ValidationFraction = 0, Augment = true, LogInterval = 1,
        };
        var run = RunFolder.Create(Path.Combine(root, "runs"), $"{format}-{model.Replace(',', '_')}");
        using (var trainer = Trainer.Start(D, config, run, Logger.None))
        {
            Assert.That(trainer.Model.InputShape, Is.EqualTo(new[] { 2, height, width }));
            int pools = ModelSpec.Parse(model).Pools;
            Assert.That(trainer.Model.Classifier.Weight.Shape[1] % ((height >> pools) * (width >> pools)), Is.Zero, "pooling floors: H >> pools by W >> pools features per channel");
            Assert.That(trainer.Train(), Is.True);
        }
        var rows = MetricsLog.Load(Path.Combine(run.Root, "metrics.jsonl"));
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(double.IsFinite(rows[0].TrainLoss), Is.True);
    }

    [TestCase(100, 120, 6, 7)]
    [TestCase(128, 128, 8, 8)]
    [TestCase(34, 34, 2, 2)]
    [TestCase(180, 240, 11, 15)]
    public void VggsnnBuildsAtNativeSizesWithFlooredPooling(int height, int width, int outH, int outW)
    {
        var net = SpikingNetwork.Create(D, ModelSpec.Parse("vggsnn"), NeuronKind.Lif, new(), 2, height, width, 10, 1);
        try
        {
            Assert.That(net.Classifier.Weight.Shape[1], Is.EqualTo(512 * outH * outW));
        }
        finally
        {
            foreach (var (_, p) in net.StateDict()) p.Dispose();
        }
    }

    [Test]
    public void TooSmallAnInputForThePoolsIsRefusedNamingTheMinimum()
    {
        var e = Assert.Throws<ArgumentException>(() => SpikingNetwork.Create(D, ModelSpec.Parse("vggsnn"), NeuronKind.Lif, new(), 2, 15, 40, 10, 1));
        Assert.That(e!.Message, Does.Contain("16x16").And.Contain("15x40"));
    }
}
