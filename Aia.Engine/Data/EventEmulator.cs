using System.Numerics;
using Aia.Engine.Runtime;

namespace Aia.Engine.Data;

/// <summary>
/// Turns a still image into camera events the way N-MNIST was recorded (Orchard et al. 2015): the image moves
/// over the sensor along <see cref="EmulatorOptions.Path"/>; each pixel keeps the log intensity
/// L = ln(epsilon + I) at its last event (its reference) and emits an ON (OFF) event each time L rises (falls)
/// by the threshold C past it, the reference moving by C per event. The image is sampled bilinearly at the
/// sub-pixel offset of every simulation step (black outside), and the time of each crossing is interpolated
/// linearly inside the step. Optional background noise (Poisson, uniform over pixels, time and polarity) and
/// refractory period. Deterministic: the same image, options and sample seed give the same events.
/// </summary>
public sealed class EventEmulator
{
    private readonly EmulatorOptions o;

    /// <summary>An emulator with the given settings (validated).</summary>
    public EventEmulator(EmulatorOptions options)
    {
        options.Validate();
        o = options;
    }

    /// <summary>The settings.</summary>
    public EmulatorOptions Options => o;

    /// <summary>Events of an 8-bit grey image [height, width] (0 black, 255 white).</summary>
    public Events Emulate(ReadOnlySpan<byte> image, int height, int width, long sample = 0)
    {
        var intensity = new float[image.Length];
        for (int i = 0; i < image.Length; i++) intensity[i] = image[i] / 255f;
        return Emulate(intensity, height, width, sample);
    }

    /// <summary>
    /// Events of an intensity image [height, width] with values in [0, 1]. <paramref name="sample"/> picks the
    /// noise stream (with the options' seed), so the events of each sample of a dataset are reproducible alone.
    /// </summary>
    public Events Emulate(ReadOnlySpan<float> image, int height, int width, long sample = 0)
    {
        if (height <= 0 || width <= 0 || image.Length != height * width)
            throw new ArgumentException($"Emulator: image of {image.Length} pixels is not {height}x{width}.");
        var canvas = new Canvas(image, height, width, o);
        var events = new EventList();
        Simulate(canvas, events);
        if (o.NoiseRateHz > 0)
        {
            var noise = new EventList();
            AddNoise(noise, new Rng(Seeds.Derive(o.Seed, sample)));
            noise.SortFrom(0);
            return EventList.Merge(events, noise, o.Sensor);
        }
        return events.ToEvents(o.Sensor);
    }

    private void Simulate(Canvas canvas, EventList events)
    {
        int w = o.Sensor.Width, n = o.Sensor.Pixels;
        int steps = Math.Max(1, (int)Math.Ceiling(o.DurationMicroseconds / o.StepMicroseconds));
        double dt = o.DurationMicroseconds / steps;
        float c = (float)o.Threshold;
        var previous = new float[n];
        var current = new float[n];
        canvas.Sample(Offset(0), previous);
        var reference = (float[])previous.Clone();
        var last = new double[n];
        Array.Fill(last, double.NegativeInfinity);
        for (int k = 1; k <= steps; k++)
        {
            double t0 = (k - 1) * dt;
            int stepStart = events.Count;
            canvas.Sample(Offset(k * dt), current);
            for (int i = 0; i < n; i++)
            {
                float now = current[i], before = previous[i], r = reference[i];
                if (now - r < c && r - now < c) continue;
                int polarity = now > r ? 1 : 0;
                float step = polarity == 1 ? c : -c;
                while (polarity == 1 ? now - r >= c : r - now >= c)
                {
                    r += step;
                    double t = t0 + dt * Math.Clamp((r - before) / (now - before), 0f, 1f);
                    if (t - last[i] < o.RefractoryMicroseconds) continue;
                    last[i] = t;
                    events.Add(i % w, i / w, (long)t, polarity);
                }
                reference[i] = r;
            }
            events.SortFrom(stepStart);
            (previous, current) = (current, previous);
        }
    }

    /// <summary>The image offset at time <paramref name="t"/> (constant speed along each leg).</summary>
    private (double X, double Y) Offset(double t)
    {
        var path = o.Path;
        double legs = t / o.LegMicroseconds;
        int leg = Math.Min((int)legs, path.Length - 2);
        double f = Math.Clamp(legs - leg, 0, 1);
        var (a, b) = (path[leg], path[leg + 1]);
        return (a.X + f * (b.X - a.X), a.Y + f * (b.Y - a.Y));
    }

    private void AddNoise(EventList events, Rng rng)
    {
        double duration = o.DurationMicroseconds;
        long count = Poisson(rng, o.NoiseRateHz * o.Sensor.Pixels * duration * 1e-6);
        for (long i = 0; i < count; i++)
        {
            int pixel = rng.NextInt(o.Sensor.Pixels);
            events.Add(pixel % o.Sensor.Width, pixel / o.Sensor.Width, (long)(rng.NextDouble() * duration), rng.NextInt(2));
        }
    }

    /// <summary>A Poisson draw: Knuth's product method for small means, a rounded normal for large ones.</summary>
    private static long Poisson(Rng rng, double mean)
    {
        if (mean > 50) return Math.Max(0, (long)Math.Round(mean + Math.Sqrt(mean) * rng.NextNormal()));
        double limit = Math.Exp(-mean), product = rng.NextDouble();
        long k = 0;
        for (; product > limit; k++) product *= rng.NextDouble();
        return k;
    }

    /// <summary>The log image padded with the black level so every sensor pixel can be sampled at every offset.</summary>
    private sealed class Canvas
    {
        private readonly float[] log;
        private readonly int stride, padX, padY, width, height;

        public Canvas(ReadOnlySpan<float> image, int imageHeight, int imageWidth, EmulatorOptions o)
        {
            (width, height) = (o.Sensor.Width, o.Sensor.Height);
            double minX = o.Path.Min(p => p.X), maxX = o.Path.Max(p => p.X);
            double minY = o.Path.Min(p => p.Y), maxY = o.Path.Max(p => p.Y);
            padX = (int)Math.Ceiling(Math.Max(0, maxX)) + 1;
            padY = (int)Math.Ceiling(Math.Max(0, maxY)) + 1;
            stride = padX + Math.Max(imageWidth, width - (int)Math.Floor(minX)) + 2;
            int rows = padY + Math.Max(imageHeight, height - (int)Math.Floor(minY)) + 2;
            log = new float[stride * rows];
            Array.Fill(log, (float)Math.Log(o.LogEpsilon));
            for (int y = 0; y < imageHeight; y++)
                for (int x = 0; x < imageWidth; x++)
                    log[(y + padY) * stride + x + padX] = (float)Math.Log(o.LogEpsilon + Math.Clamp(image[y * imageWidth + x], 0f, 1f));
        }

        /// <summary>Log intensity seen by every sensor pixel with the image at <paramref name="offset"/> (bilinear).</summary>
        public void Sample((double X, double Y) offset, float[] output)
        {
            double u = padX - offset.X, v = padY - offset.Y;
            int bx = (int)Math.Floor(u), by = (int)Math.Floor(v);
            float fx = (float)(u - bx), fy = (float)(v - by);
            float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
            for (int y = 0; y < height; y++)
            {
                var top = log.AsSpan((y + by) * stride + bx, width + 1);
                var bottom = log.AsSpan((y + by + 1) * stride + bx, width + 1);
                var row = output.AsSpan(y * width, width);
                for (int x = 0; x < row.Length; x++)
                    row[x] = w00 * top[x] + w01 * top[x + 1] + w10 * bottom[x] + w11 * bottom[x + 1];
            }
        }
    }

    /// <summary>
    /// Growing struct-of-arrays event storage. The simulation sorts each step's events by time as it goes (ties keep
    /// emission order, so the result is deterministic), which leaves the whole list sorted.
    /// </summary>
    private sealed class EventList
    {
        private ushort[] x = new ushort[1024], y = new ushort[1024];
        private long[] t = new long[1024];
        private byte[] p = new byte[1024];
        private long[] keys = new long[64];

        public int Count { get; private set; }

        public void Add(int ex, int ey, long et, int ep)
        {
            if (Count == t.Length)
            {
                Array.Resize(ref x, 2 * Count);
                Array.Resize(ref y, 2 * Count);
                Array.Resize(ref t, 2 * Count);
                Array.Resize(ref p, 2 * Count);
            }
            (x[Count], y[Count], t[Count], p[Count]) = ((ushort)ex, (ushort)ey, et, (byte)ep);
            Count++;
        }

        /// <summary>Sorts the events from <paramref name="start"/> on by (time, emission order).</summary>
        public void SortFrom(int start)
        {
            int n = Count - start;
            if (n < 2) return;
            if (keys.Length < n) keys = new long[2 * n];
            int bits = 32 - BitOperations.LeadingZeroCount((uint)n);
            long t0 = long.MaxValue;
            for (int i = start; i < Count; i++) t0 = Math.Min(t0, t[i]);
            bool sorted = true;
            for (int i = 0; i < n; i++)
            {
                keys[i] = ((t[start + i] - t0) << bits) | (long)i;
                sorted &= i == 0 || keys[i] > keys[i - 1];
            }
            if (sorted) return;
            Array.Sort(keys, 0, n);
            Permute(x, start, n, bits);
            Permute(y, start, n, bits);
            Permute(t, start, n, bits);
            Permute(p, start, n, bits);
        }

        private void Permute<T>(T[] values, int start, int n, int bits)
        {
            var copy = System.Buffers.ArrayPool<T>.Shared.Rent(n);
            values.AsSpan(start, n).CopyTo(copy);
            long mask = (1L << bits) - 1;
            for (int i = 0; i < n; i++) values[start + i] = copy[(int)(keys[i] & mask)];
            System.Buffers.ArrayPool<T>.Shared.Return(copy);
        }

        public Events ToEvents(SensorSize sensor) => new(sensor, x[..Count], y[..Count], t[..Count], p[..Count]);

        /// <summary>Merges two time-sorted lists (ties: <paramref name="a"/> first).</summary>
        public static Events Merge(EventList a, EventList b, SensorSize sensor)
        {
            int n = a.Count + b.Count;
            var (mx, my, mt, mp) = (new ushort[n], new ushort[n], new long[n], new byte[n]);
            for (int i = 0, j = 0, k = 0; k < n; k++)
            {
                var (from, at) = j >= b.Count || (i < a.Count && a.t[i] <= b.t[j]) ? (a, i++) : (b, j++);
                (mx[k], my[k], mt[k], mp[k]) = (from.x[at], from.y[at], from.t[at], from.p[at]);
            }
            return new Events(sensor, mx, my, mt, mp);
        }
    }
}
