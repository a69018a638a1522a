namespace Aia.Engine.Data.Formats;

/// <summary>
/// Collects decoded events into growing struct-of-arrays storage. With a known sensor every event is checked
/// against it (an off-sensor event is a corrupt file: the error names its byte offset); without one the sensor
/// is the bounding box of the events.
/// </summary>
internal sealed class EventBuffer(EventFileStream file, SensorSize? sensor, long expected)
{
    private ushort[] x = new ushort[Math.Clamp(expected, 16, Array.MaxLength)];
    private ushort[] y = new ushort[Math.Clamp(expected, 16, Array.MaxLength)];
    private long[] t = new long[Math.Clamp(expected, 16, Array.MaxLength)];
    private byte[] p = new byte[Math.Clamp(expected, 16, Array.MaxLength)];
    private int count, maxX = -1, maxY = -1;

    /// <summary>Appends one event decoded from the record at <paramref name="offset"/>.</summary>
    public void Add(int ex, int ey, long et, int ep, long offset)
    {
        if (sensor is { } s && !s.Contains(ex, ey))
            throw file.Error(offset, $"event at x {ex}, y {ey} lies outside the {s} sensor");
        if (ex > ushort.MaxValue || ey > ushort.MaxValue)
            throw file.Error(offset, $"event coordinates x {ex}, y {ey} exceed 65535");
        if (count == t.Length)
        {
            if (count == Array.MaxLength) throw file.Error(offset, $"more than {Array.MaxLength:N0} events in one recording");
            Grow();
        }
        x[count] = (ushort)ex;
        y[count] = (ushort)ey;
        t[count] = et;
        p[count] = (byte)ep;
        count++;
        if (ex > maxX) maxX = ex;
        if (ey > maxY) maxY = ey;
    }

    /// <summary>The events (arrays trimmed to the count).</summary>
    public Events ToEvents() => new(
        sensor ?? new SensorSize(Math.Max(1, maxX + 1), Math.Max(1, maxY + 1)),
        Trim(x), Trim(y), Trim(t), Trim(p));

    private T[] Trim<T>(T[] a) => a.Length == count ? a : a[..count];

    private void Grow()
    {
        int n = (int)Math.Min(Array.MaxLength, 2L * t.Length);
        Array.Resize(ref x, n);
        Array.Resize(ref y, n);
        Array.Resize(ref t, n);
        Array.Resize(ref p, n);
    }
}
