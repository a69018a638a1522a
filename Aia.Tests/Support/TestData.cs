using Aia.Engine.Runtime;
using Aia.Engine.Verification;

namespace Aia.Tests.Support;

/// <summary>Seeded random inputs for tests (the same generator <c>aia verify</c> uses).</summary>
public static class TestData
{
    /// <summary>Uniform values in [lo, hi).</summary>
    public static float[] Uniform(int seed, long n, float lo = -1f, float hi = 1f) =>
        RandomData.Uniform(new Rng((ulong)seed), n, lo, hi);

    /// <summary>Widens floats to doubles.</summary>
    public static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);
}
