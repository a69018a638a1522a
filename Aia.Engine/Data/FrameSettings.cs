using System.Buffers;
using System.Globalization;

namespace Aia.Engine.Data;

/// <summary>
/// How events become a training sample [Frames, 2, Height, Width]: <see cref="Framing"/> at sensor resolution,
/// <see cref="Resize"/> to Height x Width, then <see cref="Normalization"/>.
/// </summary>
public sealed record FrameSettings
{
    /// <summary>Number of frames T.</summary>
    public int Frames { get; init; } = 10;

    /// <summary>Equal events or equal time per frame.</summary>
    public FrameSplit Split { get; init; } = FrameSplit.ByCount;

    /// <summary>Training height (rows).</summary>
    public int Height { get; init; } = 64;

    /// <summary>Training width (columns).</summary>
    public int Width { get; init; } = 64;

    /// <summary>Interpolation from the sensor to Height x Width.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.Bilinear;

    /// <summary>What is done to the counts.</summary>
    public FrameNormalization Normalization { get; init; } = FrameNormalization.None;

    /// <summary>The ceiling of <see cref="FrameNormalization.Clamp"/>.</summary>
    public float ClampMax { get; init; } = 1f;

    /// <summary>Most frames per sample any setting may ask for.</summary>
    public const int MaxFrames = 1024;

    /// <summary>Largest frame height or width (and sensor side) any setting or file may declare.</summary>
    public const int MaxSide = 4096;

    /// <summary>Most floats in one sample [T, 2, H, W] (256 MiB of float32).</summary>
    public const long MaxSampleLength = 1L << 26;

    /// <summary>Floats per sample: Frames * 2 * Height * Width (checked by <see cref="Validate"/>).</summary>
    public int SampleLength => checked(Frames * 2 * Height * Width);

    /// <summary>Why [<paramref name="frames"/>, 2, <paramref name="height"/>, <paramref name="width"/>] cannot be a sample, or null.</summary>
    public static string? SizeProblem(long frames, long height, long width)
    {
        if (frames is <= 0 or > MaxFrames) return $"frames must be in [1, {MaxFrames}], not {frames}";
        if (height is <= 0 or > MaxSide || width is <= 0 or > MaxSide) return $"frame size {height}x{width} must be within [1, {MaxSide}]";
        long length = frames * 2 * height * width;
        return length > MaxSampleLength
            ? $"a sample of [{frames}, 2, {height}, {width}] holds {length:N0} values, more than the {MaxSampleLength:N0} a sample may have"
            : null;
    }

    /// <summary>The sample's shape [T, 2, H, W].</summary>
    public int[] Shape => [Frames, 2, Height, Width];

    /// <summary>Throws naming the setting when one is out of range.</summary>
    public void Validate()
    {
        if (SizeProblem(Frames, Height, Width) is { } problem) throw new ArgumentException(problem + ".");
        if (Normalization == FrameNormalization.Clamp && !(ClampMax > 0))
            throw new ArgumentException($"clamp max must be positive, not {ClampMax}.");
    }

    /// <summary>Renders <paramref name="events"/> into <paramref name="output"/> (SampleLength floats).</summary>
    public void Render(Events events, Span<float> output)
    {
        if (SizeProblem(Frames, events.Sensor.Height, events.Sensor.Width) is { } problem)
            throw new InvalidDataException($"events on a {events.Sensor} sensor cannot be framed: {problem}.");
        int sensorLength = Frames * 2 * events.Sensor.Pixels;
        float[] counts = ArrayPool<float>.Shared.Rent(sensorLength);
        try
        {
            var raw = counts.AsSpan(0, sensorLength);
            Framing.Integrate(events, Frames, Split, raw);
            Data.Resize.Planes(raw, Frames * 2, events.Sensor.Height, events.Sensor.Width, output, Height, Width, Resize);
            Data.Normalization.Apply(output, Normalization, ClampMax);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(counts);
        }
    }

    /// <summary>Every setting as text (recorded in a cache file's header).</summary>
    public IEnumerable<KeyValuePair<string, string>> Describe()
    {
        yield return new("frames", Frames.ToString(CultureInfo.InvariantCulture));
        yield return new("split", Split.ToString());
        yield return new("height", Height.ToString(CultureInfo.InvariantCulture));
        yield return new("width", Width.ToString(CultureInfo.InvariantCulture));
        yield return new("resize", Resize.ToString());
        yield return new("normalization", Normalization.ToString());
        if (Normalization == FrameNormalization.Clamp)
            yield return new("clamp_max", ClampMax.ToString("R", CultureInfo.InvariantCulture));
    }
}
