using System.Buffers.Binary;

namespace Aia.Engine.Data.Formats;

/// <summary>
/// AEDAT 3.1 files (DVS128 Gesture): header lines starting with '#' (the first is <c>#!AER-DAT3.1</c>, the last
/// <c>#!END-HEADER</c>), then packets. A packet is a 28-byte little-endian header (int16 type, int16 source,
/// int32 event size, int32 timestamp offset, int32 timestamp overflow, int32 capacity, int32 number, int32 valid)
/// followed by capacity x size bytes of events. Polarity events (type 1) are uint32 data, int32 timestamp:
/// bit 0 = valid, bit 1 = polarity (1 = ON), y = (data &gt;&gt; 2) &amp; 0x7FFF, x = (data &gt;&gt; 17) &amp; 0x7FFF, and the
/// 64-bit timestamp is ts | overflow &lt;&lt; 31. Other packet types are skipped, and so are events whose valid
/// bit is clear (the format's way of marking filtered-out events).
/// </summary>
public static class Aedat31Reader
{
    private const int PacketHeaderSize = 28;
    private const int PolarityEvent = 1;

    /// <summary>Largest polarity event size read (the format's is 8; larger ones carry extra fields that are skipped).</summary>
    public const int MaxPolarityEventSize = 4096;

    /// <summary>
    /// Reads every valid polarity event of <paramref name="path"/>. With <paramref name="sensor"/> an event off
    /// that sensor is an error; without it the sensor is the events' bounding box.
    /// </summary>
    /// <exception cref="EventFileException">No AEDAT 3 header, a truncated packet, an impossible packet header.</exception>
    public static Events Read(string path, SensorSize? sensor = null)
    {
        using var file = new EventFileStream(path);
        string? first = file.ReadHeaderLine((byte)'#');
        if (first is null || !first.StartsWith("#!AER-DAT3", StringComparison.Ordinal))
            throw file.Error(0, $"not an AEDAT 3.x file: expected a first line '#!AER-DAT3.1', found {EventFile.Quote(first)}");
        while (first != "#!END-HEADER" && file.ReadHeaderLine((byte)'#') is { } line)
            first = line;

        var events = new EventBuffer(file, sensor, file.Remaining / 8);
        Span<byte> header = stackalloc byte[PacketHeaderSize];
        while (file.Remaining > 0)
        {
            long packetAt = file.Position;
            file.ReadExactly(header, "packet header");
            int type = BinaryPrimitives.ReadInt16LittleEndian(header);
            int size = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            long overflow = (long)BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) << 31;
            int capacity = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
            int number = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
            if (size <= 0 || capacity < 0 || number < 0 || number > capacity)
                throw file.Error(packetAt, $"impossible packet header: event size {size}, capacity {capacity}, number {number}");
            long bytes = (long)capacity * size;
            if (bytes > file.Remaining)
                throw file.Error(packetAt, $"truncated packet: {capacity} events of {size} bytes announced, only {file.Remaining} bytes left");
            if (type != PolarityEvent)
            {
                file.Skip(bytes);
                continue;
            }
            if (size < 8)
                throw file.Error(packetAt, $"polarity packet with {size}-byte events (expected at least 8)");
            if (size > MaxPolarityEventSize)
                throw file.Error(packetAt, $"polarity packet with {size}-byte events: larger than this reader handles (at most {MaxPolarityEventSize}; AEDAT 3.1 polarity events are 8)");
            ReadPolarity(file, events, size, bytes, number, overflow);
        }
        return events.ToEvents();
    }

    private static void ReadPolarity(EventFileStream file, EventBuffer events, int size, long bytes, int number, long overflow)
    {
        int index = 0;
        while (bytes > 0)
        {
            var records = file.ReadRecords(size, bytes, "polarity event", out long offset);
            if (records.IsEmpty) throw file.Error(offset, "truncated polarity packet");
            bytes -= records.Length;
            for (int i = 0; i < records.Length; i += size, index++)
            {
                uint data = BinaryPrimitives.ReadUInt32LittleEndian(records[i..]);
                if (index >= number || (data & 1) == 0) continue;
                long t = BinaryPrimitives.ReadUInt32LittleEndian(records[(i + 4)..]) | overflow;
                events.Add((int)((data >> 17) & 0x7FFF), (int)((data >> 2) & 0x7FFF), t, (int)((data >> 1) & 1), offset + i);
            }
        }
    }
}
