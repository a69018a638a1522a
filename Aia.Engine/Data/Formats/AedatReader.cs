using System.Buffers.Binary;

namespace Aia.Engine.Data.Formats;

/// <summary>
/// AER-DAT2.0 files from a DVS128 (CIFAR10-DVS): ASCII header lines starting with '#' (the first is
/// <c>#!AER-DAT2.0</c>), then 8-byte big-endian events: uint32 address, uint32 timestamp (microseconds).
/// Coordinates and polarity follow SpikingJelly's CIFAR10-DVS reader, so frames match the published pipelines:
/// x = 127 - ((a &gt;&gt; 8) &amp; 0x7F), y = 127 - ((a &gt;&gt; 1) &amp; 0x7F), p = 1 - (a &amp; 1).
/// (jAER's own display convention is the transpose of this; see docs/data.md.)
/// </summary>
public static class AedatReader
{
    /// <summary>The DVS128's 128x128 pixel array.</summary>
    public static readonly SensorSize Dvs128 = new(128, 128);

    private const int EventSize = 8;

    /// <summary>Reads every event of <paramref name="path"/>.</summary>
    /// <exception cref="EventFileException">No AER-DAT2 header, or a truncated event.</exception>
    public static Events Read(string path)
    {
        using var file = new EventFileStream(path);
        string? first = file.ReadHeaderLine((byte)'#');
        if (first is null || !first.StartsWith("#!AER-DAT2", StringComparison.Ordinal))
            throw file.Error(0, $"not an AER-DAT2.0 file: expected a first line '#!AER-DAT2.0', found {EventFile.Quote(first)}");
        while (file.ReadHeaderLine((byte)'#') is not null) { }

        var events = new EventBuffer(file, Dvs128, file.Remaining / EventSize);
        while (true)
        {
            var records = file.ReadRecords(EventSize, long.MaxValue, "event", out long offset);
            if (records.IsEmpty) break;
            for (int i = 0; i < records.Length; i += EventSize)
            {
                uint a = BinaryPrimitives.ReadUInt32BigEndian(records[i..]);
                uint t = BinaryPrimitives.ReadUInt32BigEndian(records[(i + 4)..]);
                events.Add(127 - (int)((a >> 8) & 0x7F), 127 - (int)((a >> 1) & 0x7F), t, 1 - (int)(a & 1), offset + i);
            }
        }
        return events.ToEvents();
    }
}
