using Aia.Engine.Data;
using Aia.Engine.Data.Formats;
using NUnit.Framework;

namespace Aia.Tests.Data;

public sealed class FormatTests
{
    private string dir = "";

    [SetUp]
    public void CreateFolder() => dir = EventFiles.TempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, recursive: true);

    private static readonly Ev[] Sample =
    [
        new(0, 0, 0, 1), new(127, 0, 5, 0), new(0, 127, 9, 1), new(64, 33, 1_000, 0), new(127, 127, 4_000_000_000, 1),
    ];

    [Test]
    public void AerDat2RoundTripsThroughOddAndLongHeaders()
    {
        string longLine = "# " + new string('x', 150_000);
        string path = EventFiles.Write(dir, "a.aedat", EventFiles.AerDat2(Sample, "# HardwareInterface: DVS128", "#", longLine, "#\tend"));
        var e = AedatReader.Read(path);
        Assert.That(EventFiles.List(e), Is.EqualTo(Sample));
        Assert.That(e.Sensor, Is.EqualTo(new SensorSize(128, 128)));
    }

    [Test]
    public void AerDat2DecodesTheAddressBitsAsSpikingJellyDoes()
    {
        // a = (5 << 8) | (9 << 1) | 1: x = 127 - 5, y = 127 - 9, p = 1 - 1
        var bytes = new List<byte>(System.Text.Encoding.ASCII.GetBytes("#!AER-DAT2.0\n"));
        bytes.AddRange(EventFiles.AerDat2Record(0x0513, 77));
        bytes.AddRange(EventFiles.AerDat2Record(0x0000, 78));
        var e = AedatReader.Read(EventFiles.Write(dir, "bits.aedat", [.. bytes]));
        Assert.That(EventFiles.List(e), Is.EqualTo(new[] { new Ev(122, 118, 77, 0), new Ev(127, 127, 78, 1) }));
    }

    [Test]
    public void AerDat2TruncatedMidEventNamesFileAndOffset()
    {
        var bytes = EventFiles.AerDat2(Sample);
        int header = bytes.Length - 8 * Sample.Length;
        string path = EventFiles.Write(dir, "cut.aedat", bytes[..^3]);
        var x = Assert.Throws<EventFileException>(() => AedatReader.Read(path));
        Assert.That(x!.Offset, Is.EqualTo(header + 8 * (Sample.Length - 1)));
        Assert.That(x.Message, Does.Contain(path).And.Contain("truncated").And.Contain($"(offset {x.Offset})"));
    }

    [Test]
    public void WrongMagicIsRejectedByEveryHeaderedReader()
    {
        string aedat3 = EventFiles.Write(dir, "v3.aedat", [.. EventFiles.Aedat31Header(), .. EventFiles.Aedat31Polarity([new Ev(1, 2, 3, 1)])]);
        string aedat2 = EventFiles.Write(dir, "v2.aedat", EventFiles.AerDat2(Sample));
        string junk = EventFiles.Write(dir, "junk.dat", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        Assert.That(Assert.Throws<EventFileException>(() => AedatReader.Read(aedat3))!.Message, Does.Contain("AER-DAT2.0").And.Contain(aedat3));
        Assert.That(Assert.Throws<EventFileException>(() => Aedat31Reader.Read(aedat2))!.Message, Does.Contain("AEDAT 3").And.Contain(aedat2));
        Assert.That(Assert.Throws<EventFileException>(() => PropheseeDatReader.Read(junk))!.Offset, Is.EqualTo(0));
        Assert.That(Assert.Throws<EventFileException>(() => PropheseeDatReader.Read(aedat2))!.Message, Does.Contain("% "));
    }

    [Test]
    public void AtisOverflowMarkersShiftLaterTimestampsAndAreDropped()
    {
        Ev?[] written = [new Ev(3, 4, 100, 1), null, new Ev(5, 6, 50, 0), null, null, new Ev(33, 33, 0x7FFFFF, 1)];
        var e = AtisBinReader.Read(EventFiles.Write(dir, "o.bin", EventFiles.Atis(written)));
        Assert.That(EventFiles.List(e), Is.EqualTo(new[]
        {
            new Ev(3, 4, 100, 1), new Ev(5, 6, 50 + 8192, 0), new Ev(33, 33, 0x7FFFFF + 3 * 8192, 1),
        }));
        Assert.That(e.Sensor, Is.EqualTo(new SensorSize(34, 34)), "without a given sensor: the bounding box");
    }

    [Test]
    public void AtisReadsAcrossBufferBoundariesAndReportsTruncation()
    {
        // 30,000 five-byte records (150 KB) cross the 64 KiB buffer mid-record
        var events = Enumerable.Range(0, 30_000).Select(i => (Ev?)new Ev(i % 34, i / 34 % 34, i * 3, i % 3 == 0 ? 1 : 0)).ToArray();
        var bytes = EventFiles.Atis(events);
        var e = AtisBinReader.Read(EventFiles.Write(dir, "big.bin", bytes), new SensorSize(34, 34));
        Assert.That(EventFiles.List(e), Is.EqualTo(events.Select(v => v!.Value)));
        string cut = EventFiles.Write(dir, "cut.bin", bytes[..^2]);
        var x = Assert.Throws<EventFileException>(() => AtisBinReader.Read(cut));
        Assert.That(x!.Offset, Is.EqualTo(bytes.Length - 5));
        Assert.That(x.Path, Is.EqualTo(cut));
    }

    [Test]
    public void AtisEventOffTheGivenSensorIsAnErrorAtItsOffset()
    {
        string path = EventFiles.Write(dir, "off.bin", EventFiles.Atis([new Ev(1, 1, 1, 1), new Ev(34, 2, 2, 0)]));
        var x = Assert.Throws<EventFileException>(() => AtisBinReader.Read(path, new SensorSize(34, 34)));
        Assert.That(x!.Offset, Is.EqualTo(5));
        Assert.That(x.Message, Does.Contain("x 34").And.Contain("34x34"));
    }

    [Test]
    public void PropheseeRoundTripsAndTakesTheSensorFromTheHeader()
    {
        Ev[] events = [new(0, 0, 10, 1), new(119, 99, 20, 0), new(16383 % 120, 50, 99_999, 1)];
        string path = EventFiles.Write(dir, "c.dat", EventFiles.Prophesee(events, ["% Data file containing Event2D events.", "% Date 2016-09-14 10:00:00", "% Height 100", "% Width 120"]));
        var e = PropheseeDatReader.Read(path);
        Assert.That(EventFiles.List(e), Is.EqualTo(events));
        Assert.That(e.Sensor, Is.EqualTo(new SensorSize(120, 100)));
        Assert.That(EventFile.Detect(path), Is.EqualTo(EventFormat.PropheseeDat));
    }

    [Test]
    public void PropheseeRejectsOtherEventTypesAndTruncation()
    {
        string[] header = ["% Date 2016-09-14"];
        int typeAt = header[0].Length + 1;
        string evt3 = EventFiles.Write(dir, "t.dat", EventFiles.Prophesee([new Ev(1, 1, 1, 1)], header, type: 1, size: 8));
        var x = Assert.Throws<EventFileException>(() => PropheseeDatReader.Read(evt3));
        Assert.That(x!.Offset, Is.EqualTo(typeAt));
        var bytes = EventFiles.Prophesee([new Ev(1, 1, 1, 1), new Ev(2, 2, 2, 0)], header);
        string cut = EventFiles.Write(dir, "cut.dat", bytes[..^1]);
        Assert.That(Assert.Throws<EventFileException>(() => PropheseeDatReader.Read(cut))!.Offset, Is.EqualTo(typeAt + 2 + 8));
    }

    [Test]
    public void Aedat31ReadsPolarityPacketsSkipsOthersAndInvalidEvents()
    {
        Ev[] first = [new(1, 2, 10, 1), new(3, 4, 20, 0), new(5, 6, 30, 1)];
        Ev[] second = [new(127, 127, 40, 0)];
        byte[] file =
        [
            .. EventFiles.Aedat31Header(),
            .. EventFiles.Aedat31Polarity(first, valid: [true, false, true]),
            .. EventFiles.Aedat31Other(2, 12, 3),
            .. EventFiles.Aedat31Polarity(second, overflow: 1, capacity: 3),
        ];
        string path = EventFiles.Write(dir, "g.aedat", file);
        var e = Aedat31Reader.Read(path, new SensorSize(128, 128));
        Assert.That(EventFiles.List(e), Is.EqualTo(new[] { first[0], first[2], new Ev(127, 127, 40 + (1L << 31), 0) }));
        Assert.That(EventFile.Detect(path), Is.EqualTo(EventFormat.Aedat31));
    }

    [Test]
    public void Aedat31SkipsPacketsLargerThanTheReadBuffer()
    {
        Ev[] before = [new(1, 2, 10, 1)], after = [new(9, 8, 70_000, 0), new(10, 8, 70_001, 1)];
        byte[] file =
        [
            .. EventFiles.Aedat31Header(),
            .. EventFiles.Aedat31Polarity(before),
            .. EventFiles.Aedat31Other(2, 4_000, 50),                            // a 200 KB frame packet
            .. EventFiles.Aedat31Polarity(after),
        ];
        var e = Aedat31Reader.Read(EventFiles.Write(dir, "frames.aedat", file));
        Assert.That(EventFiles.List(e), Is.EqualTo(before.Concat(after)));
    }

    [Test]
    public void Aedat31TruncatedPacketNamesThePacketOffset()
    {
        var header = EventFiles.Aedat31Header();
        var packet = EventFiles.Aedat31Polarity([new Ev(1, 2, 10, 1), new Ev(3, 4, 20, 0)]);
        byte[] file = [.. header, .. packet, .. packet[..^4]];
        string path = EventFiles.Write(dir, "cut.aedat", file);
        var x = Assert.Throws<EventFileException>(() => Aedat31Reader.Read(path));
        Assert.That(x!.Offset, Is.EqualTo(header.Length + packet.Length));
        Assert.That(x.Message, Does.Contain("truncated packet"));
        string half = EventFiles.Write(dir, "half.aedat", [.. header, .. packet[..20]]);
        Assert.That(Assert.Throws<EventFileException>(() => Aedat31Reader.Read(half))!.Message, Does.Contain("packet header"));
    }

    [Test]
    public void DetectPicksTheReaderAndRejectsUnknownFiles()
    {
        Assert.That(EventFile.Detect(EventFiles.Write(dir, "a.aedat", EventFiles.AerDat2(Sample))), Is.EqualTo(EventFormat.AerDat2));
        Assert.That(EventFile.Detect(EventFiles.Write(dir, "n.bin", EventFiles.Atis([new Ev(1, 1, 1, 1)]))), Is.EqualTo(EventFormat.AtisBin));
        string other = EventFiles.Write(dir, "x.txt", "hello"u8.ToArray());
        var x = Assert.Throws<EventFileException>(() => EventFile.Detect(other));
        Assert.That(x!.Message, Does.Contain(other).And.Contain("unknown event file format"));
        Assert.Throws<FileNotFoundException>(() => EventFile.Read(Path.Combine(dir, "missing.bin")));
    }

    [Test]
    public void EventsBetweenSlicesByTime()
    {
        var e = AtisBinReader.Read(EventFiles.Write(dir, "s.bin", EventFiles.Atis(Enumerable.Range(0, 10).Select(i => (Ev?)new Ev(i, 0, i * 10, 1)))));
        var part = e.Between(25, 60);
        Assert.That(part.T, Is.EqualTo(new long[] { 30, 40, 50 }));
        Assert.That(part.Sensor, Is.EqualTo(e.Sensor));
        Assert.That(e.Between(1000, 2000).Count, Is.Zero);
    }
}
