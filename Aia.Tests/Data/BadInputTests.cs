using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Aia.Engine.Data;
using Aia.Engine.Data.Datasets;
using Aia.Engine.Data.Formats;
using Aia.Engine.IO;
using NUnit.Framework;

namespace Aia.Tests.Data;

/// <summary>
/// Files that declare their own geometry or sizes, damaged cache headers, IDX files and endless inputs: each is a
/// named error of its input kind (or the documented rebuild), never a crash, a huge allocation or a silent mis-framing.
/// </summary>
public sealed class BadInputTests
{
    private string dir = "";

    [SetUp]
    public void MakeFolder() => dir = EventFiles.TempFolder();

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    private static readonly Ev[] Few = [new(1, 2, 10, 1), new(3, 4, 20, 0)];

    [TestCase(16384, 16384)]
    [TestCase(46341, 46341)]
    [TestCase(3000, 3000)]
    public void APropheseeHeaderCannotOverrideTheDatasetSensor(int width, int height)
    {
        var path = EventFiles.Write(dir, "a.dat", EventFiles.Prophesee(Few, ["% Date x", $"% Width {width}", $"% Height {height}"]));
        var e = PropheseeDatReader.Read(path, NCars.Sensor);
        Assert.That(e.Sensor, Is.EqualTo(NCars.Sensor));
        var frames = new FrameSettings { Frames = 2, Height = 100, Width = 120 };
        var output = new float[frames.SampleLength];
        frames.Render(e, output);
        Assert.That(output.Sum(), Is.EqualTo(2f).Within(1e-4f), "both events land in the frames");
    }

    [TestCase(16384, 16384)]
    [TestCase(46341, 46341)]
    [TestCase(0, 5)]
    public void AnImpossibleDeclaredGeometryIsAnEventFileError(int width, int height)
    {
        var path = EventFiles.Write(dir, "a.dat", EventFiles.Prophesee(Few, [$"% Width {width}", $"% Height {height}"]));
        var x = Assert.Throws<EventFileException>(() => PropheseeDatReader.Read(path));
        Assert.That(x!.Message, Does.StartWith(path + ": ").And.Contain($"{width}x{height}"));
    }

    [Test]
    public void ACharacterDeviceIsRefusedByEveryReader()
    {
        if (!File.Exists("/dev/zero")) Assert.Ignore("no /dev/zero here");
        Assert.Throws<EventFileException>(() => AtisBinReader.Read("/dev/zero"));
        Assert.Throws<EventFileException>(() => PropheseeDatReader.Read("/dev/zero"));
        Assert.Throws<EventFileException>(() => Aedat31Reader.Read("/dev/zero"));
        Assert.Throws<EventFileException>(() => AedatReader.Read("/dev/zero"));
        Assert.Throws<CheckpointException>(() => Engine.Training.MetricsLog.Load("/dev/zero"));
        var (code, _, err) = Support.Cli.Run("data", "inspect", "/dev/zero");
        Assert.That(code, Is.EqualTo(1), err);
        Assert.That(err, Does.Contain("/dev/zero"));
    }

    [Test]
    public void AnEmptyOrOverflowOnlyRecordingIsNotASample()
    {
        var empty = EventFiles.Write(dir, "Train/0/a.bin", []);
        var markers = EventFiles.Write(dir, "Train/0/b.bin", EventFiles.Atis([null, null]));
        foreach (var f in new[] { empty, markers })
        {
            var sample = DatasetFolder.Samples([(f, 0)], p => AtisBinReader.Read(p, NMnist.Sensor))[0];
            var x = Assert.Throws<EventFileException>(() => sample.Load());
            Assert.That(x!.Message, Does.Contain(f).And.Contain("no events"));
        }
    }

    private static byte[] Idx(int[] dims, int dataBytes)
    {
        var b = new byte[4 + 4 * dims.Length + dataBytes];
        b[2] = 8;
        b[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * i), dims[i]);
        return b;
    }

    private static (int[], byte[]) ReadIdx(byte[] bytes, string name) => IdxFile.Read(new MemoryStream(bytes), name);

    [Test]
    public void AValidUncompressedIdxFileIsRead()
    {
        var (dims, data) = ReadIdx(Idx([2, 3, 4], 24), "images");
        Assert.That(dims, Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(data, Has.Length.EqualTo(24));
    }

    [TestCase(new[] { 0, 0 }, TestName = "zero by zero")]
    [TestCase(new[] { 2, -3 }, TestName = "a negative dimension")]
    [TestCase(new[] { 65536, 65536, 65536 }, TestName = "more bytes than the file holds")]
    public void ImpossibleIdxDimensionsAreNamedErrors(int[] dims)
    {
        var x = Assert.Throws<DatasetFileException>(() => ReadIdx(Idx(dims, 8), "/data/train-images-idx3-ubyte"));
        Assert.That(x!.Message, Does.StartWith("/data/train-images-idx3-ubyte: "));
    }

    [Test]
    public void RandomGzipBytesNameTheFile()
    {
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(Idx([4], 4));
        var bytes = gz.ToArray();
        for (int i = 10; i < bytes.Length - 8; i++) bytes[i] = (byte)(i * 77);
        var x = Assert.Throws<DatasetFileException>(() => ReadIdx(bytes, "/data/t10k-labels-idx1-ubyte.gz"));
        Assert.That(x!.Message, Does.StartWith("/data/t10k-labels-idx1-ubyte.gz: "));
    }

    private string Cache(Func<string, string> editHeader, Action<byte[], int>? editLabels = null)
    {
        string path = Path.Combine(dir, "c.frames");
        var samples = Enumerable.Range(0, 4).Select(i => new EventSample($"s{i}", i % 2,
            () => new Events(new SensorSize(8, 8), [(ushort)i], [1], [5], [1]))).ToList();
        FrameCache.Open(path, samples, ["a", "b"], new FrameSettings { Frames = 2, Height = 4, Width = 4 }, [new("dataset", "t")]).Dispose();
        var bytes = File.ReadAllBytes(path);
        long labelsAt = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24)), headerAt = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(32));
        editLabels?.Invoke(bytes, (int)labelsAt);
        var json = Encoding.UTF8.GetBytes(editHeader(Encoding.UTF8.GetString(bytes, (int)headerAt, bytes.Length - (int)headerAt)));
        byte[] result = [.. bytes[..(int)headerAt], .. json];
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(40), json.Length);
        File.WriteAllBytes(path, result);
        return path;
    }

    [TestCase("\"Shape\"", TestName = "null shape")]
    [TestCase("\"ClassNames\"", TestName = "null class names")]
    [TestCase("\"Settings\"", TestName = "null settings")]
    [TestCase("\"Skipped\"", TestName = "null skipped list")]
    public void ANullCacheHeaderFieldIsADamagedCache(string field)
    {
        var path = Cache(h =>
        {
            int at = h.IndexOf(field + ":", StringComparison.Ordinal);
            Assert.That(at, Is.GreaterThanOrEqualTo(0), h);
            return h[..at] + field + ": null, \"Old" + h[(at + 1)..];
        });
        var x = Assert.Throws<FrameCacheException>(() => FrameCache.Read(path));
        Assert.That(x!.Message, Does.StartWith(path + ": ").And.Contain("damaged"));
    }

    [TestCase(2)]
    [TestCase(-2)]
    [TestCase(1 << 20)]
    public void ACacheLabelOutOfRangeIsADamagedCache(int label)
    {
        var path = Cache(h => h, (b, at) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at + 4), label));
        var x = Assert.Throws<FrameCacheException>(() => FrameCache.Read(path));
        Assert.That(x!.Message, Does.Contain("label").And.Contain($"offset {BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(path).AsSpan(24)) + 4}"));
    }

    [Test]
    public void AnAedat31PacketWithHugeEventsIsNotCalledTruncated()
    {
        var packet = new byte[28 + 70000];
        BinaryPrimitives.WriteInt16LittleEndian(packet, 1);
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(4), 70000);
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(16), 1);
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(20), 1);
        var path = EventFiles.Write(dir, "g.aedat", [.. EventFiles.Aedat31Header(), .. packet]);
        var x = Assert.Throws<EventFileException>(() => Aedat31Reader.Read(path));
        Assert.That(x!.Message, Does.Not.Contain("truncated").And.Contain("70000"));
    }

    [Test]
    public void AnEmptyTrainFolderIsAnErrorNotAnEmptyRun()
    {
        Directory.CreateDirectory(Path.Combine(dir, "Train"));
        EventFiles.Write(dir, "Test/0/a.bin", EventFiles.Atis([new Ev(1, 1, 5, 1)]));
        var x = Assert.Throws<InvalidDataException>(() => DatasetCatalog.Open("n-mnist", dir, new DatasetOptions { CacheDirectory = Path.Combine(dir, "cache") }));
        Assert.That(x!.Message, Does.Contain("train split has no samples").And.Contain(dir));
    }

    [Test]
    public void BadSamplesAreReportedByTheirDatasetSplit()
    {
        EventFiles.Write(dir, "Train/0/a.bin", EventFiles.Atis([new Ev(1, 1, 5, 1)])[..3]);
        EventFiles.Write(dir, "Test/0/a.bin", EventFiles.Atis([new Ev(1, 1, 5, 1)]));
        var x = Assert.Throws<BadSamplesException>(() => DatasetCatalog.Open("n-mnist", dir, new DatasetOptions { CacheDirectory = Path.Combine(dir, "cache") }));
        Assert.That(x!.Message, Does.Contain("n-mnist train").And.Not.Contain("ByCount"));
    }

    [Test]
    public void ANamedPipeOrAFolderIsRefusedInsteadOfWaitedOn()
    {
        string fifo = Path.Combine(dir, "pipe.bin");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo)) mk.WaitForExit();
        Assert.That(File.Exists(fifo), "mkfifo made the pipe");
        var (code, _, err) = Support.Cli.Run("data", "inspect", fifo);
        Assert.That(code, Is.EqualTo(1), err);
        Assert.That(err, Does.Contain(fifo + ": not a regular file"));
        Assert.Throws<EventFileException>(() => AtisBinReader.Read(fifo));
        Assert.Throws<CheckpointException>(() => Safetensors.Read(fifo));
        (code, _, err) = Support.Cli.Run("data", "inspect", dir);
        Assert.That(code, Is.EqualTo(1), err);
        Assert.That(err, Does.Contain(dir + ": is a folder"));
    }
}
