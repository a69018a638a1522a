namespace Aia.Tests.Support;

/// <summary>Seeded random inputs for tests.</summary>
public static class TestData
{
    /// <summary>Uniform values in [lo, hi).</summary>
    public static float[] Uniform(int seed, long n, float lo = -1f, float hi = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (long i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float)r.NextDouble();
        return a;
    }

    /// <summary>Widens floats to doubles.</summary>
    public static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);
}
