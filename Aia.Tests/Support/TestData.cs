using Aia.Engine.Autodiff;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using NUnit.Framework;

namespace Aia.Tests.Support;

/// <summary>Seeded random inputs for tests (the same generator <c>aia verify</c> uses).</summary>
public static class TestData
{
    /// <summary>Uniform values in [lo, hi).</summary>
    public static float[] Uniform(int seed, long n, float lo = -1f, float hi = 1f) =>
        RandomData.Uniform(new Rng((ulong)seed), n, lo, hi);

    /// <summary>Widens floats to doubles.</summary>
    public static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);

    /// <summary>The dot product of two vectors (the scalar whose gradient a backward test checks).</summary>
    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Asserts <see cref="GradCheck.Compare(ReadOnlySpan{float}, ReadOnlySpan{double}, double, double)"/> passes, with the comparison as the message.</summary>
    public static void AssertClose(float[] actual, double[] expected, string what, double atol = 1e-4, double rtol = 1e-4)
    {
        var cmp = GradCheck.Compare(actual, expected, atol, rtol);
        Assert.That(cmp.Passed, $"{what}: {cmp}");
    }
}
