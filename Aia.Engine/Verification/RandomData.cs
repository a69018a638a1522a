using Aia.Engine.Runtime;

namespace Aia.Engine.Verification;

/// <summary>Seeded random host arrays for reference checks.</summary>
public static class RandomData
{
    /// <summary>Uniform values in [lo, hi).</summary>
    public static float[] Uniform(Rng rng, long n, float lo = -1f, float hi = 1f)
    {
        var a = new float[n];
        for (long i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float)rng.NextDouble();
        return a;
    }

    /// <summary>Binary spikes with the given firing probability.</summary>
    public static float[] Spikes(Rng rng, long n, double rate)
    {
        var a = new float[n];
        for (long i = 0; i < n; i++) a[i] = rng.NextDouble() < rate ? 1f : 0f;
        return a;
    }
}
