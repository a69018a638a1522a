namespace Aia.Engine.Data.Formats;

/// <summary>
/// ATIS <c>.bin</c> files (N-MNIST, N-Caltech101): 5 bytes per event, byte 0 = x, byte 1 = y, bit 7 of byte 2 =
/// polarity (1 = ON), timestamp = ((b2 &amp; 0x7F) &lt;&lt; 16) | (b3 &lt;&lt; 8) | b4 microseconds (23 bits).
/// A record with y = 240 is a timestamp-overflow marker, not an event: it is dropped and 2^13 us is added to
/// every later timestamp, as in Orchard's reference reader and tonic.
/// </summary>
public static class AtisBinReader
{
    /// <summary>The y value that marks a timestamp overflow.</summary>
    public const int OverflowMarker = 240;

    /// <summary>What an overflow marker adds to the timestamps after it (Orchard et al.'s reader, tonic).</summary>
    public const long OverflowIncrement = 1 << 13;

    private const int EventSize = 5;

    /// <summary>
    /// Reads every event of <paramref name="path"/>. With <paramref name="sensor"/> an event off that sensor is
    /// an error; without it the sensor is the events' bounding box.
    /// </summary>
    /// <exception cref="EventFileException">A truncated event, or an event off the given sensor.</exception>
    public static Events Read(string path, SensorSize? sensor = null)
    {
        using var file = new EventFileStream(path);
        var events = new EventBuffer(file, sensor, file.Length / EventSize);
        long overflow = 0;
        while (true)
        {
            var records = file.ReadRecords(EventSize, long.MaxValue, "event", out long offset);
            if (records.IsEmpty) break;
            for (int i = 0; i < records.Length; i += EventSize)
            {
                int y = records[i + 1], b2 = records[i + 2];
                if (y == OverflowMarker)
                {
                    overflow += OverflowIncrement;
                    continue;
                }
                long t = ((b2 & 0x7F) << 16) | (records[i + 3] << 8) | records[i + 4];
                events.Add(records[i], y, t + overflow, b2 >> 7, offset + i);
            }
        }
        return events.ToEvents();
    }
}
