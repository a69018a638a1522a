using System.Buffers.Binary;
using System.Text;
using Aia.Engine.IO;
using NUnit.Framework;

namespace Aia.Tests.IO;

public sealed class SafetensorsTests
{
    private string dir = "";

    [SetUp]
    public void MakeFolder() => dir = Directory.CreateTempSubdirectory("aia-st-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    [Test]
    public void RoundTripsTensorsAndMetadata()
    {
        var path = Path.Combine(dir, "a.safetensors");
        var w = new HostTensor("features.0.conv.weight", [2, 3, 1, 1], [1, -2, 3.5f, float.Epsilon, -0f, 1e30f]);
        var s = new HostTensor("scalar", [], [42f]);
        Safetensors.Write(path, [w, s], new Dictionary<string, string> { ["epoch"] = "3" });
        var (tensors, meta) = Safetensors.Read(path);
        Assert.That(tensors["features.0.conv.weight"].Shape, Is.EqualTo(new[] { 2, 3, 1, 1 }));
        Assert.That(tensors["features.0.conv.weight"].Data, Is.EqualTo(w.Data));
        Assert.That(tensors["scalar"].Data, Is.EqualTo(new[] { 42f }));
        Assert.That(meta["epoch"], Is.EqualTo("3"));
        Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1), "no temporary file left behind");
    }

    [Test]
    public void LayoutIsTheSafetensorsSpec()
    {
        var path = Path.Combine(dir, "b.safetensors");
        Safetensors.Write(path, [new HostTensor("x", [2], [1f, 2f])]);
        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(n % 8, Is.Zero);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd();
        Assert.That(header, Is.EqualTo("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"));
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n + 4)), Is.EqualTo(2f));
        Assert.That(bytes.Length, Is.EqualTo(8 + (int)n + 8));
    }

    [Test]
    public void CorruptFilesAreRejectedNamingTheFile()
    {
        var path = Path.Combine(dir, "bad.safetensors");
        Safetensors.Write(path, [new HostTensor("x", [4], [1f, 2f, 3f, 4f])]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        var e = Assert.Throws<CheckpointException>(() => Safetensors.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("'x'"));
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<CheckpointException>(() => Safetensors.Read(path));
        Assert.Throws<FileNotFoundException>(() => Safetensors.Read(Path.Combine(dir, "missing.safetensors")));
    }

    [Test]
    public void AFailedWriteLeavesThePreviousFileIntact()
    {
        var path = Path.Combine(dir, "c.safetensors");
        Safetensors.Write(path, [new HostTensor("x", [1], [1f])]);
        Assert.Throws<ArgumentException>(() => Safetensors.Write(path, [new HostTensor("x", [3], [1f])]));
        Assert.That(Safetensors.Read(path).Tensors["x"].Data, Is.EqualTo(new[] { 1f }));
        Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1));
    }

    /// <summary>A file with <paramref name="header"/> as its JSON header and 16 data bytes.</summary>
    private string WithHeader(string header)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        var path = Path.Combine(dir, "damaged.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private const string X = "\"dtype\":\"F32\",\"shape\":[4]";

    [TestCase("[1, 2]", TestName = "header not an object")]
    [TestCase("\"text\"", TestName = "header a string")]
    [TestCase("null", TestName = "header null")]
    [TestCase("{\"__metadata__\": 5}", TestName = "metadata a number")]
    [TestCase("{\"__metadata__\": {\"a\": 1}}", TestName = "metadata value a number")]
    [TestCase("{\"__metadata__\": {\"a\": {\"b\": \"c\"}}}", TestName = "metadata value an object")]
    [TestCase("{\"x\": null}", TestName = "tensor entry null")]
    [TestCase("{\"x\": 3}", TestName = "tensor entry a number")]
    [TestCase("{\"x\": {\"shape\": [4], \"data_offsets\": [0, 16]}}", TestName = "dtype missing")]
    [TestCase("{\"x\": {\"dtype\": null, \"shape\": [4], \"data_offsets\": [0, 16]}}", TestName = "dtype null")]
    [TestCase("{\"x\": {\"dtype\": 4, \"shape\": [4], \"data_offsets\": [0, 16]}}", TestName = "dtype a number")]
    [TestCase("{\"x\": {\"dtype\": \"Q8\", \"shape\": [4], \"data_offsets\": [0, 16]}}", TestName = "dtype unknown")]
    [TestCase("{\"x\": {\"dtype\": \"F32\", \"data_offsets\": [0, 16]}}", TestName = "shape missing")]
    [TestCase("{\"x\": {\"dtype\": \"F32\", \"shape\": null, \"data_offsets\": [0, 16]}}", TestName = "shape null")]
    [TestCase("{\"x\": {\"dtype\": \"F32\", \"shape\": \"4\", \"data_offsets\": [0, 16]}}", TestName = "shape a string")]
    [TestCase("{\"x\": {\"dtype\": \"F32\", \"shape\": [4.5], \"data_offsets\": [0, 16]}}", TestName = "shape a float")]
    [TestCase("{\"x\": {\"dtype\": \"F32\", \"shape\": [-4], \"data_offsets\": [0, 16]}}", TestName = "shape negative")]
    [TestCase("{\"x\": {\"dtype\": \"F32\", \"shape\": [99999999999], \"data_offsets\": [0, 16]}}", TestName = "shape huge")]
    [TestCase("{\"x\": {\"dtype\": \"F32\", \"shape\": [65536, 65536, 65536, 65536], \"data_offsets\": [0, 16]}}", TestName = "shape byte count overflows")]
    [TestCase("{\"x\": {\"dtype\": \"F32\", \"shape\": [null], \"data_offsets\": [0, 16]}}", TestName = "shape element null")]
    [TestCase("{\"x\": {" + X + "}}", TestName = "offsets missing")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": null}}", TestName = "offsets null")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [0]}}", TestName = "offsets one element")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [0, 16, 32]}}", TestName = "offsets three elements")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [\"0\", \"16\"]}}", TestName = "offsets strings")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [0.5, 16]}}", TestName = "offsets floats")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [9223372036854775800, 9223372036854775807]}}", TestName = "offsets near int64 max")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [0, 99999999999999999999999]}}", TestName = "offsets beyond int64")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [16, 0]}}", TestName = "offsets reversed")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [-16, 0]}}", TestName = "offsets negative")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [0, 8]}}", TestName = "offsets too short for shape")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [0, 16]}, \"x\": {" + X + ", \"data_offsets\": [0, 16]}}", TestName = "duplicate keys")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [0, 16]},}", TestName = "trailing comma")]
    [TestCase("{\"x\": {" + X + ", \"data_offsets\": [0, 16]}", TestName = "header truncated")]
    public void ADamagedHeaderIsACheckpointErrorNamingTheFile(string header)
    {
        var path = WithHeader(header);
        var e = Assert.Throws<CheckpointException>(() => Safetensors.Read(path));
        Assert.That(e!.Message, Does.StartWith(path + ": "));
        Assert.That(e.Offset, Is.Not.Null, "the message gives the offset of what is wrong");
    }

    [Test]
    public void AValidHandWrittenHeaderStillReads()
    {
        var path = WithHeader("{\"__metadata__\": {\"a\": \"b\"}, \"x\": {" + X + ", \"data_offsets\": [0, 16]}}");
        var (tensors, meta) = Safetensors.Read(path);
        Assert.That(tensors["x"].Data, Has.Length.EqualTo(4));
        Assert.That(meta["a"], Is.EqualTo("b"));
    }

    [Test]
    public void AHeaderLengthBeyondTheFileOrNearUInt64MaxIsRefused()
    {
        var path = Path.Combine(dir, "len.safetensors");
        foreach (ulong n in new[] { ulong.MaxValue, (ulong)long.MaxValue + 1, 1UL << 40, 9UL })
        {
            var bytes = new byte[16];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, n);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<CheckpointException>(() => Safetensors.Read(path), n.ToString());
            Assert.That(e!.Offset, Is.EqualTo(0));
        }
    }

    [Test]
    public void ACharacterDeviceIsRefusedInsteadOfReadForever()
    {
        if (!File.Exists("/dev/zero")) Assert.Ignore("no /dev/zero on this system");
        Assert.Throws<CheckpointException>(() => Safetensors.Read("/dev/zero"));
    }
}
