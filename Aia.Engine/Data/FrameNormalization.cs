namespace Aia.Engine.Data;

/// <summary>What is done to the (resized) event counts before they reach the network.</summary>
public enum FrameNormalization
{
    /// <summary>Raw counts (SpikingJelly's frames).</summary>
    None,

    /// <summary>min(count, clamp max); with a clamp max of 1 a frame says only whether a pixel fired.</summary>
    Clamp,

    /// <summary>log(1 + count): keeps busy pixels from dominating.</summary>
    Log,

    /// <summary>count / (largest value of the sample), so every sample peaks at 1 (an all-zero sample stays zero).</summary>
    Scale,
}

/// <summary>Applies a <see cref="FrameNormalization"/> in place.</summary>
public static class Normalization
{
    /// <summary>Normalizes one sample's frames in place.</summary>
    public static void Apply(Span<float> frames, FrameNormalization mode, float clampMax = 1f)
    {
        switch (mode)
        {
            case FrameNormalization.Clamp:
                foreach (ref float v in frames) v = Math.Min(v, clampMax);
                break;
            case FrameNormalization.Log:
                foreach (ref float v in frames) v = MathF.Log(1f + v);
                break;
            case FrameNormalization.Scale:
                float max = 0f;
                foreach (float v in frames) max = Math.Max(max, v);
                if (max > 0f)
                    foreach (ref float v in frames) v /= max;
                break;
        }
    }
}
