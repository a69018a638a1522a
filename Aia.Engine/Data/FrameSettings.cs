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

    /// <summary>Floats per sample: Frames * 2 * Height * Width.</summary>
    public int SampleLength => Frames * 2 * Height * Width;

    /// <summary>The sample's shape [T, 2, H, W].</summary>
    public int[] Shape => [Frames, 2, Height, Width];

    /// <summary>Throws naming the setting when one is out of range.</summary>
    public void Validate()
    {
        if (Frames <= 0) throw new ArgumentException($"frames must be positive, not {Frames}.");
        if (Height <= 0 || Width <= 0) throw new ArgumentException($"frame size {Height}x{Width} must be positive.");
        if (Normalization == FrameNormalization.Clamp && !(ClampMax > 0))
            throw new ArgumentException($"clamp max must be positive, not {ClampMax}.");
    }

    /// <summary>Renders <paramref name="events"/> into <paramref name="output"/> (SampleLength floats).</summary>
    public void Render(Events events, Span<float> output)
    {
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
