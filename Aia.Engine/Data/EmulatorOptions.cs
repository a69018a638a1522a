using System.Globalization;

namespace Aia.Engine.Data;

/// <summary>Settings of the <see cref="EventEmulator"/>; the defaults reproduce N-MNIST's recording geometry.</summary>
public sealed record EmulatorOptions
{
    /// <summary>The emulated pixel array (N-MNIST: 34x34 for 28x28 images).</summary>
    public SensorSize Sensor { get; init; } = new(34, 34);

    /// <summary>
    /// Offsets (x right, y down, pixels) of the image's top-left corner on the sensor at the vertices of the
    /// motion, visited in order at constant speed, one leg per <see cref="LegMicroseconds"/>. The default is
    /// N-MNIST's three saccades along a closed triangle (Orchard et al. 2015) spanning the 6-pixel margin.
    /// </summary>
    public (double X, double Y)[] Path { get; init; } = [(3, 0), (6, 6), (0, 6), (3, 0)];

    /// <summary>Duration of each leg (saccade), microseconds (N-MNIST: about 100 ms).</summary>
    public double LegMicroseconds { get; init; } = 100_000;

    /// <summary>Simulation step, microseconds; crossing times inside a step are linearly interpolated.</summary>
    public double StepMicroseconds { get; init; } = 1_000;

    /// <summary>Contrast threshold C: a pixel fires when its log intensity moved by C since its last event.</summary>
    public double Threshold { get; init; } = 0.25;

    /// <summary>Offset inside the log, L = ln(epsilon + I) with I in [0, 1], so black pixels stay finite.</summary>
    public double LogEpsilon { get; init; } = 0.1;

    /// <summary>Background activity: random events per pixel per second (0 = none), polarity 50/50.</summary>
    public double NoiseRateHz { get; init; }

    /// <summary>After an event a pixel stays silent this long (crossings in between are dropped), microseconds.</summary>
    public double RefractoryMicroseconds { get; init; }

    /// <summary>Seed of the noise (the only random part).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Total duration of the motion, microseconds.</summary>
    public double DurationMicroseconds => Math.Max(0, Path.Length - 1) * LegMicroseconds;

    /// <summary>Throws naming the setting when one is out of range.</summary>
    public void Validate()
    {
        if (Sensor.Width <= 0 || Sensor.Height <= 0) throw new ArgumentException($"emulator sensor {Sensor} must be positive.");
        if (Path.Length < 2) throw new ArgumentException("emulator path needs at least two vertices.");
        if (!(LegMicroseconds > 0) || !(StepMicroseconds > 0)) throw new ArgumentException("emulator leg and step durations must be positive.");
        if (!(Threshold > 0)) throw new ArgumentException($"emulator threshold must be positive, not {Threshold}.");
        if (!(LogEpsilon > 0)) throw new ArgumentException($"emulator log epsilon must be positive, not {LogEpsilon}.");
        if (NoiseRateHz < 0 || RefractoryMicroseconds < 0) throw new ArgumentException("emulator noise rate and refractory period cannot be negative.");
    }

    /// <summary>Every setting as text (recorded in a cache file's header).</summary>
    public IEnumerable<KeyValuePair<string, string>> Describe()
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        yield return new("emulator.sensor", Sensor.ToString());
        yield return new("emulator.path", string.Join(" ", Path.Select(p => $"{F(p.X)},{F(p.Y)}")));
        yield return new("emulator.leg_us", F(LegMicroseconds));
        yield return new("emulator.step_us", F(StepMicroseconds));
        yield return new("emulator.threshold", F(Threshold));
        yield return new("emulator.log_epsilon", F(LogEpsilon));
        yield return new("emulator.noise_hz", F(NoiseRateHz));
        yield return new("emulator.refractory_us", F(RefractoryMicroseconds));
        yield return new("emulator.seed", Seed.ToString(CultureInfo.InvariantCulture));
    }
}
