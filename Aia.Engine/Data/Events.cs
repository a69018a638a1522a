namespace Aia.Engine.Data;

/// <summary>
/// A stream of address events as four parallel arrays (struct of arrays): column <see cref="X"/> (0 = left),
/// row <see cref="Y"/> (0 = top), timestamp <see cref="T"/> in microseconds and polarity <see cref="P"/>
/// (1 = ON, brightness went up; 0 = OFF), on a sensor of <see cref="Sensor"/> pixels. Every event lies on the
/// sensor (checked on construction). Readers return events in file order, which for all supported formats is
/// time order.
/// </summary>
public sealed class Events
{
    /// <summary>Wraps the arrays (not copied) after checking their lengths and that every event is on the sensor.</summary>
    public Events(SensorSize sensor, ushort[] x, ushort[] y, long[] t, byte[] p)
    {
        if (sensor.Width <= 0 || sensor.Height <= 0)
            throw new ArgumentException($"Sensor size {sensor} must be positive.");
        if (y.Length != x.Length || t.Length != x.Length || p.Length != x.Length)
            throw new ArgumentException($"Event arrays differ in length: x {x.Length}, y {y.Length}, t {t.Length}, p {p.Length}.");
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] >= sensor.Width || y[i] >= sensor.Height || p[i] > 1)
                throw new ArgumentException($"Event {i} (x {x[i]}, y {y[i]}, p {p[i]}) is not on the {sensor} sensor or has a polarity other than 0/1.");
        }
        Sensor = sensor;
        X = x;
        Y = y;
        T = t;
        P = p;
    }

    /// <summary>The pixel array the events were recorded on.</summary>
    public SensorSize Sensor { get; }

    /// <summary>Columns, 0 = left.</summary>
    public ushort[] X { get; }

    /// <summary>Rows, 0 = top.</summary>
    public ushort[] Y { get; }

    /// <summary>Timestamps in microseconds.</summary>
    public long[] T { get; }

    /// <summary>Polarities: 1 = ON (brighter), 0 = OFF (darker).</summary>
    public byte[] P { get; }

    /// <summary>Number of events.</summary>
    public int Count => T.Length;

    /// <summary>Last timestamp minus first (0 when there are fewer than two events).</summary>
    public long Duration => Count < 2 ? 0 : T[^1] - T[0];

    /// <summary>Number of ON events.</summary>
    public int OnCount
    {
        get
        {
            int n = 0;
            foreach (byte b in P) n += b;
            return n;
        }
    }

    /// <summary>A copy of the events with <paramref name="from"/> &lt;= t &lt; <paramref name="to"/> (events must be time-sorted).</summary>
    public Events Between(long from, long to)
    {
        int start = LowerBound(from), end = Math.Max(start, LowerBound(to));
        return new Events(Sensor, X[start..end], Y[start..end], T[start..end], P[start..end]);
    }

    private int LowerBound(long t)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (T[mid] < t) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
