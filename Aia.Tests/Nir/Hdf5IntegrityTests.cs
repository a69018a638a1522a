using Aia.Engine.IO.Nir;
using Aia.Engine.Models;
using NUnit.Framework;

namespace Aia.Tests.Nir;

/// <summary>The checks made before PureHDF reads a NIR file: object header checksums and global heap sizes.</summary>
public sealed class Hdf5IntegrityTests
{
    [Test]
    public void Lookup3IsJenkinsHashlittle() // the test vectors of lookup3.c (initval 0)
    {
        Assert.That(Hdf5Integrity.Lookup3([]), Is.EqualTo(0xdeadbeefu));
        Assert.That(Hdf5Integrity.Lookup3("Four score and seven years ago"u8), Is.EqualTo(0x17770551u));
    }

    [Test]
    public void AWrittenFilePassesAndOneFlippedBitInAHeaderOrAHeapIsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aia-hdf5-{Guid.NewGuid():N}.nir");
        try
        {
            NirFile.Write(path, NirExport.Graph(NirModels.Create("4,A", "lif").Folded));
            var bytes = File.ReadAllBytes(path);
            Hdf5Integrity.Check(bytes);
            int header = bytes.AsSpan().IndexOf("OHDR"u8);
            var flipped = (byte[])bytes.Clone();
            flipped[header + 40] ^= 4; // inside its messages
            Assert.That(Assert.Throws<NirFormatException>(() => Hdf5Integrity.Check(flipped))!.Message,
                Does.Contain($"object header at offset {header}").And.Contain("checksum"));
            int heap = bytes.AsSpan().IndexOf("GCOL"u8);
            Assert.That(heap, Is.GreaterThan(0), "PureHDF stores the strings in a global heap");
            var huge = (byte[])bytes.Clone();
            huge[heap + 16 + 8 + 3] = 0x40; // the first object's size: about 1 GiB
            Assert.That(Assert.Throws<NirFormatException>(() => Hdf5Integrity.Check(huge))!.Message,
                Does.Contain($"global heap collection at offset {heap}"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
