using System.IO.Compression;
using Aia.Engine.Data;
using Aia.Engine.Data.Datasets;
using Aia.Engine.Data.Formats;
using Aia.Engine.IO;
using Aia.Engine.Training;
using Aia.Tests.Data;
using NUnit.Framework;

namespace Aia.Tests.Fuzz;

/// <summary>
/// Seeded, bounded mutation tests of every reader of user files (see <see cref="FuzzHarness"/>): each target's
/// valid file is mutated <see cref="FuzzHarness.Cases"/> times and must give either a result or the project's
/// own error naming the file, within a time and allocation bound.
/// </summary>
[Category("Fuzz")]
public sealed class ReaderFuzzTests
{
    private string dir = "";

    [SetUp]
    public void MakeFolder() => dir = EventFiles.TempFolder();

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    private static Ev[] SomeEvents(int n, int side) =>
        Enumerable.Range(0, n).Select(i => new Ev((i * 7) % side, (i * 13) % side, 1000 + 37L * i, i % 2)).ToArray();

    [Test]
    public void AerDat2()
    {
        var bytes = EventFiles.AerDat2(SomeEvents(40, 128), "# created by the fuzz test");
        int data = bytes.Length - 40 * 8;
        FuzzHarness.Run(dir, "f.aedat", FuzzHarness.Binary(bytes, [0, 14, data, data + 8, bytes.Length - 8], 1_000_000), p => AedatReader.Read(p));
    }

    [Test]
    public void Aedat31()
    {
        var header = EventFiles.Aedat31Header();
        var polarity = EventFiles.Aedat31Polarity(SomeEvents(30, 128));
        var other = EventFiles.Aedat31Other(2, 12, 3);
        byte[] bytes = [.. header, .. polarity, .. other, .. EventFiles.Aedat31Polarity(SomeEvents(5, 128), overflow: 1)];
        int p = header.Length, o = p + polarity.Length, q = o + other.Length;
        FuzzHarness.Run(dir, "f.aedat", FuzzHarness.Binary(bytes, [0, p, p + 4, p + 16, p + 28, o, o + 28, q, q + 28], 2_000_000), f => Aedat31Reader.Read(f));
    }

    [Test]
    public void AtisBin()
    {
        var bytes = EventFiles.Atis([.. SomeEvents(30, 34).Select(e => (Ev?)e), null, .. SomeEvents(10, 34).Select(e => (Ev?)e)]);
        FuzzHarness.Run(dir, "f.bin", FuzzHarness.Binary(bytes, [0, 5, 150, 155, bytes.Length - 5], 3_000_000), f => AtisBinReader.Read(f, new SensorSize(34, 34)));
        FuzzHarness.Run(dir, "g.bin", FuzzHarness.Binary(bytes, [0, 5, 150, 155], 3_500_000), f => AtisBinReader.Read(f));
    }

    [Test]
    public void PropheseeDat()
    {
        var bytes = EventFiles.Prophesee(SomeEvents(30, 100), ["% Date 2026-12-01", "% Width 120", "% Height 100", "% geometry 120x100"]);
        int events = bytes.Length - 30 * 8;
        var regions = new[] { 0, 18, 31, 45, events - 2, events, events + 8 };
        FuzzHarness.Run(dir, "f.dat", FuzzHarness.Binary(bytes, regions, 4_000_000), f => PropheseeDatReader.Read(f, NCars.Sensor));
        FuzzHarness.Run(dir, "g.dat", FuzzHarness.Binary(bytes, regions, 4_500_000), f => PropheseeDatReader.Read(f));
    }

    [Test]
    public void EventFileDetection()
    {
        var aedat = EventFiles.AerDat2(SomeEvents(10, 128));
        FuzzHarness.Run(dir, "f.aedat", FuzzHarness.Binary(aedat, [0, 2, 10, aedat.Length - 80], 5_000_000), f => EventFile.Read(f));
    }

    [Test]
    public void Idx()
    {
        var image = new byte[16 + 3 * 28 * 28];
        image[2] = 8;
        image[3] = 3;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(image.AsSpan(4), 3);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(image.AsSpan(8), 28);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(image.AsSpan(12), 28);
        for (int i = 16; i < image.Length; i++) image[i] = (byte)(i * 31);
        FuzzHarness.Run(dir, "images-idx3-ubyte", FuzzHarness.Binary(image, [0, 3, 4, 8, 12, 16], 6_000_000), ReadIdx);
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(image);
        var packed = gz.ToArray();
        FuzzHarness.Run(dir, "images-idx3-ubyte.gz", FuzzHarness.Binary(packed, [0, 2, 10, packed.Length - 8], 6_500_000), ReadIdx);
    }

    private static object ReadIdx(string path)
    {
        using var f = File.OpenRead(path);
        return IdxFile.Read(f, path);
    }

    [Test]
    public void Safetensors()
    {
        var path = Path.Combine(dir, "valid.safetensors");
        Engine.IO.Safetensors.Write(path, [new HostTensor("a.weight", [3, 4], TestData(12)), new HostTensor("b", [5], TestData(5))],
            new Dictionary<string, string> { ["format"] = "pt" });
        var bytes = File.ReadAllBytes(path);
        int data = bytes.Length - 68;
        FuzzHarness.Run(dir, "f.safetensors", FuzzHarness.Binary(bytes, [0, 8, 9, 30, 60, data, data + 48, bytes.Length - 4], 7_000_000), p => Engine.IO.Safetensors.Read(p));
    }

    [Test]
    public void TrainingState()
    {
        string valid = Checkpoint.ToJson(new TrainingState
        {
            Config = new TrainingConfig(), InputShape = [2, 28, 28], ClassNames = ["a", "b"], Epoch = 2, Step = 40,
            DropoutSteps = new() { ["features.2"] = 40 }, OptimizerSteps = new() { ["w"] = 40 },
            Partial = new EpochTotals { LossSum = 1.5, Correct = 3, Samples = 8, Batches = 1 },
        });
        var mutants = Enumerable.Range(0, FuzzHarness.Cases).Select(i =>
        {
            var (text, what) = Mutator.MutateText(valid, i);
            var path = Path.Combine(dir, "state.safetensors");
            Engine.IO.Safetensors.Write(path, [new HostTensor("x", [1], [1f])], new Dictionary<string, string> { [Checkpoint.StateKey] = text });
            return (8_000_000 + i, File.ReadAllBytes(path), what);
        }).ToList();
        FuzzHarness.Run(dir, "last.safetensors", mutants, p => Checkpoint.Load(p));
    }

    [Test]
    public void MetricsLog()
    {
        var row = new EpochMetrics { Epoch = 1, Step = 10, TrainLoss = 1.2, SpikesPerSample = new Dictionary<string, double> { ["features.1"] = 3.5 } };
        string line = System.Text.Json.JsonSerializer.Serialize(row, new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
        string valid = line + "\n" + line.Replace("\"epoch\":1", "\"epoch\":2") + "\n";
        var mutants = Enumerable.Range(0, FuzzHarness.Cases).Select(i =>
        {
            var (text, what) = Mutator.MutateText(valid, i);
            return (9_000_000 + i, System.Text.Encoding.UTF8.GetBytes(text), what);
        });
        FuzzHarness.Run(dir, "metrics.jsonl", mutants, p => Engine.Training.MetricsLog.Load(p));
    }

    [Test]
    public void FrameCacheHeader()
    {
        string valid = Path.Combine(dir, "valid.frames");
        var frames = new FrameSettings { Frames = 2, Height = 4, Width = 4 };
        var samples = Enumerable.Range(0, 6).Select(i => new EventSample($"s{i}", i % 3,
            () => new Events(new SensorSize(8, 8), [(ushort)i, 1], [2, (ushort)i], [10, 20], [1, 0]))).ToList();
        FrameCache.Open(valid, samples, ["a", "b", "c"], frames, [new("dataset", "fuzz")]).Dispose();
        var bytes = File.ReadAllBytes(valid);
        int labels = 64 + 6 * frames.SampleLength * 2, header = labels + 24;
        FuzzHarness.Run(dir, "f.frames", FuzzHarness.Binary(bytes, [0, 8, 12, 16, 24, 32, 40, 64, labels, labels + 4, header, header + 20], 10_000_000), p =>
        {
            using var d = FrameCache.Read(p);
            for (int i = 0; i < d.Count; i++) d.Get(i);
            return null;
        });
        // The text of the JSON header, mutated as JSON (null shape, class names or settings; labels out of range).
        string json = System.Text.Encoding.UTF8.GetString(bytes, header, bytes.Length - header);
        var textual = Enumerable.Range(0, FuzzHarness.Cases).Select(i =>
        {
            var (text, what) = Mutator.MutateText(json, i);
            var tail = System.Text.Encoding.UTF8.GetBytes(text);
            byte[] b = [.. bytes[..header], .. tail];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), tail.Length);
            return (11_000_000 + i, b, what);
        });
        FuzzHarness.Run(dir, "g.frames", textual, p =>
        {
            using var d = FrameCache.Read(p);
            for (int i = 0; i < d.Count; i++) d.Get(i);
            return null;
        });
    }

    [Test]
    public void NirGraph()
    {
        string valid = Path.Combine(dir, "valid.nir");
        Engine.IO.Nir.NirFile.Write(valid, Engine.Models.NirExport.Graph(Nir.NirModels.Create("4,A", "lif").Folded));
        var bytes = File.ReadAllBytes(valid);
        if (Environment.GetEnvironmentVariable("AIA_FUZZ_KEEP") is { Length: > 0 } keep) { Directory.CreateDirectory(keep); File.Copy(valid, Path.Combine(keep, "valid.nir"), true); }
        var regions = Enumerable.Range(0, 32).Select(i => (int)((long)bytes.Length * i / 32)).ToArray();
        var device = Support.TestDevice.Cpu;
        FuzzHarness.Run(dir, "f.nir", FuzzHarness.Binary(bytes, regions, 13_000_000), p =>
        {
            device.Arena.Reset();
            return Engine.Models.NirImport.Load(device, p);
        }, typeof(Engine.IO.Nir.NirFormatException));
    }

    private static float[] TestData(int n) => Enumerable.Range(0, n).Select(i => i * 0.25f - 1).ToArray();
}
