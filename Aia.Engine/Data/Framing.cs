namespace Aia.Engine.Data;

/// <summary>How events are divided among the frames.</summary>
public enum FrameSplit
{
    /// <summary>Equal numbers of events per frame (the last frame takes the remainder).</summary>
    ByCount,

    /// <summary>Equal durations per frame (the last frame takes the remainder).</summary>
    ByTime,
}

/// <summary>
/// Integrates events into frames [T, 2, H, W] at sensor resolution: channel p (0 = OFF, 1 = ON) of frame j at
/// (y, x) counts the events of that polarity at that pixel that fall in segment j. The segments are those of
/// SpikingJelly's <c>integrate_events_by_fixed_frames_number</c>: with N events and T frames,
/// by count: segment j holds events [j * floor(N/T), (j+1) * floor(N/T)), the last one up to N;
/// by time: dt = floor((t[N-1] - t[0]) / T) microseconds and segment j holds t[0] + j dt &lt;= t &lt; t[0] + (j+1) dt,
/// the last one everything after. Degenerate inputs that make SpikingJelly fail go to the last frame
/// (N &lt; T by count, dt = 0 by time); events must be time-sorted (out-of-order ones are clamped to the first
/// or last frame).
/// </summary>
public static class Framing
{
    /// <summary>New frames [<paramref name="frames"/>, 2, H, W] of <paramref name="events"/>.</summary>
    public static float[] Integrate(Events events, int frames, FrameSplit split)
    {
        var output = new float[(long)frames * 2 * events.Sensor.Pixels];
        Integrate(events, frames, split, output);
        return output;
    }

    /// <summary>Writes frames [<paramref name="frames"/>, 2, H, W] of <paramref name="events"/> into <paramref name="output"/> (overwritten).</summary>
    public static void Integrate(Events events, int frames, FrameSplit split, Span<float> output)
    {
        if (frames <= 0) throw new ArgumentException($"The number of frames must be positive, not {frames}.");
        int w = events.Sensor.Width, plane = events.Sensor.Pixels;
        if (output.Length != (long)frames * 2 * plane)
            throw new ArgumentException($"Frame buffer of {output.Length} floats does not hold [{frames}, 2, {events.Sensor.Height}, {w}].");
        output.Clear();
        int n = events.Count;
        if (n == 0) return;
        var (x, y, t, p) = (events.X, events.Y, events.T, events.P);
        long perFrame = n / frames, t0 = t[0], dt = (t[n - 1] - t0) / frames;
        for (int i = 0; i < n; i++)
        {
            long j = split == FrameSplit.ByCount
                ? perFrame == 0 ? frames - 1 : i / perFrame
                : dt == 0 ? frames - 1 : (t[i] - t0) / dt;
            int frame = (int)Math.Clamp(j, 0, frames - 1);
            output[(frame * 2 + p[i]) * plane + y[i] * w + x[i]] += 1f;
        }
    }
}
