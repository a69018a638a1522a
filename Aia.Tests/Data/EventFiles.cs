using System.Buffers.Binary;
using System.Text;

namespace Aia.Tests.Data;

/// <summary>One event as the tests write it: column, row, microseconds, polarity (1 = ON).</summary>
internal readonly record struct Ev(int X, int Y, long T, int P);

/// <summary>Writes small event files in each supported format, byte by byte from the format descriptions.</summary>
internal static class EventFiles
{
    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string TempFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "aia-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>AER-DAT2.0, inverting the reader's SpikingJelly convention so the reader should return <paramref name="events"/>.</summary>
    public static byte[] AerDat2(IEnumerable<Ev> events, params string[] extraHeader)
    {
        var bytes = new List<byte>(Header(["#!AER-DAT2.0", .. extraHeader], "\r\n"));
        foreach (var e in events)
            bytes.AddRange(AerDat2Record((uint)(((127 - e.X) << 8) | ((127 - e.Y) << 1) | (1 - e.P)), (uint)e.T));
        return [.. bytes];
    }

    /// <summary>One raw AER-DAT2.0 record (big-endian address, timestamp).</summary>
    public static byte[] AerDat2Record(uint address, uint t)
    {
        var r = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(r, address);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(4), t);
        return r;
    }

    /// <summary>ATIS .bin; a null entry writes a timestamp-overflow marker (y = 240).</summary>
    public static byte[] Atis(IEnumerable<Ev?> events)
    {
        var bytes = new List<byte>();
        foreach (var e in events)
        {
            if (e is not { } v)
            {
                bytes.AddRange(new byte[] { 0, 240, 0, 0, 0 });
                continue;
            }
            bytes.Add((byte)v.X);
            bytes.Add((byte)v.Y);
            bytes.Add((byte)((v.P << 7) | (int)((v.T >> 16) & 0x7F)));
            bytes.Add((byte)(v.T >> 8));
            bytes.Add((byte)v.T);
        }
        return [.. bytes];
    }

    /// <summary>Prophesee Event2D .dat with the given "% " header lines.</summary>
    public static byte[] Prophesee(IEnumerable<Ev> events, string[] header, byte type = 0, byte size = 8)
    {
        var bytes = new List<byte>(Header(header, "\n")) { type, size };
        foreach (var e in events)
        {
            var r = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)e.T);
            BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(4), (uint)(e.X | (e.Y << 14) | (e.P << 28)));
            bytes.AddRange(r);
        }
        return [.. bytes];
    }

    /// <summary>The AEDAT 3.1 header.</summary>
    public static byte[] Aedat31Header() => Header(["#!AER-DAT3.1", "#Format: RAW", "#Source 1: DVS128", "#!END-HEADER"], "\r\n");

    /// <summary>
    /// One AEDAT 3.1 packet of polarity events (type 1, 8 bytes each); <paramref name="valid"/>[i] false clears
    /// event i's valid bit; <paramref name="capacity"/> larger than the count pads with zero events.
    /// </summary>
    public static byte[] Aedat31Polarity(IReadOnlyList<Ev> events, uint overflow = 0, bool[]? valid = null, int? capacity = null)
    {
        int cap = capacity ?? events.Count;
        var bytes = new byte[28 + 8 * cap];
        PacketHeader(bytes, 1, 8, overflow, cap, events.Count);
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            uint data = (uint)((e.X << 17) | (e.Y << 2) | (e.P << 1) | (valid is null || valid[i] ? 1 : 0));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28 + 8 * i), data);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32 + 8 * i), (uint)(e.T & 0x7FFFFFFF));
        }
        return bytes;
    }

    /// <summary>An AEDAT 3.1 packet of another type (e.g. 2 = frame) with <paramref name="count"/> events of <paramref name="size"/> bytes.</summary>
    public static byte[] Aedat31Other(short type, int size, int count)
    {
        var bytes = new byte[28 + size * count];
        bytes.AsSpan(28).Fill(0xFF);
        PacketHeader(bytes, type, size, 0, count, count);
        return bytes;
    }

    private static void PacketHeader(byte[] b, short type, int size, uint overflow, int capacity, int number)
    {
        BinaryPrimitives.WriteInt16LittleEndian(b, type);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(2), 1);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), size);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), overflow);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), capacity);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(20), number);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), number);
    }

    private static byte[] Header(string[] lines, string newline) => Encoding.Latin1.GetBytes(string.Concat(lines.Select(l => l + newline)));

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="folder"/>/<paramref name="name"/> (folders created) and returns the path.</summary>
    public static string Write(string folder, string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The events as test records.</summary>
    public static Ev[] List(Aia.Engine.Data.Events e) =>
        Enumerable.Range(0, e.Count).Select(i => new Ev(e.X[i], e.Y[i], e.T[i], e.P[i])).ToArray();
}
