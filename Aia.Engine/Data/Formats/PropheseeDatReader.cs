using System.Buffers.Binary;

namespace Aia.Engine.Data.Formats;

/// <summary>
/// Prophesee <c>.dat</c> files with Event2D (CD) events (N-CARS): header lines beginning with "% " (optionally
/// "% Width W" and "% Height H", or "% geometry WxH"), then one byte event type (0 = Event2D, 12 = CD, same
/// layout) and one byte event size (8), then 8-byte little-endian events: uint32 t (us), uint32 w with
/// x = w &amp; 0x3FFF, y = (w &gt;&gt; 14) &amp; 0x3FFF, p = (w &gt;&gt; 28) &amp; 1 (1 = ON).
/// </summary>
public static class PropheseeDatReader
{
    private const int EventSize = 8;

    /// <summary>
    /// Reads every event of <paramref name="path"/>. The sensor is <paramref name="sensor"/> (the dataset's) if
    /// given, else the one in the header (each side in [1, 4096]), else the events' bounding box; an event off a
    /// known sensor is an error.
    /// </summary>
    /// <exception cref="EventFileException">No "% " header, an event type other than 2D/CD, a truncated event.</exception>
    public static Events Read(string path, SensorSize? sensor = null)
    {
        using var file = new EventFileStream(path);
        int lines = 0, width = 0, height = 0;
        while (file.Peek() == '%')
        {
            long lineAt = file.Position;
            string line = file.ReadHeaderLine((byte)'%')!;
            if (!line.StartsWith("% ", StringComparison.Ordinal) && line != "%")
                throw file.Error(lineAt, $"header line {EventFile.Quote(line)} does not begin with '% '");
            lines++;
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3 && words[1] == "Width") int.TryParse(words[2], out width);
            if (words.Length >= 3 && words[1] == "Height") int.TryParse(words[2], out height);
            if (words.Length >= 3 && words[1] == "geometry" && words[2].Split('x') is [var w, var h])
            {
                int.TryParse(w, out width);
                int.TryParse(h, out height);
            }
        }
        if (lines == 0)
            throw file.Error(0, "not a Prophesee .dat file: no header lines beginning with '% '");
        long typeAt = file.Position;
        Span<byte> kind = stackalloc byte[2];
        file.ReadExactly(kind, "event type and size after the header");
        if (kind[0] is not (0 or 12) || kind[1] != EventSize)
            throw file.Error(typeAt, $"event type {kind[0]} of size {kind[1]}: only Event2D/CD events (type 0 or 12, size 8) are supported");

        // A dataset's sensor wins over what a header declares (a header cannot enlarge or shrink the frames); without
        // one, a declared geometry is used only within the bounds a sensor can have.
        if ((width != 0 || height != 0) && sensor is null && (width is <= 0 or > Data.FrameSettings.MaxSide || height is <= 0 or > Data.FrameSettings.MaxSide))
            throw file.Error(0, $"the header declares a {width}x{height} sensor; a sensor side must be in [1, {Data.FrameSettings.MaxSide}]");
        var known = sensor ?? (width > 0 && height > 0 ? new SensorSize(width, height) : null);
        var events = new EventBuffer(file, known, file.Remaining / EventSize);
        while (true)
        {
            var records = file.ReadRecords(EventSize, long.MaxValue, "event", out long offset);
            if (records.IsEmpty) break;
            for (int i = 0; i < records.Length; i += EventSize)
            {
                uint t = BinaryPrimitives.ReadUInt32LittleEndian(records[i..]);
                uint w = BinaryPrimitives.ReadUInt32LittleEndian(records[(i + 4)..]);
                events.Add((int)(w & 0x3FFF), (int)((w >> 14) & 0x3FFF), t, (int)((w >> 28) & 1), offset + i);
            }
        }
        return events.ToEvents();
    }
}
