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
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("'x'"));
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => Safetensors.Read(path));
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
}
