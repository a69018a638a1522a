using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Tests.Kernels;

/// <summary>
/// The scalar a gradient test differentiates: L = sum(r * y) + sum(q * x), a random projection of an op's output
/// y = f(x) plus, when q is given, a second use of its input whose gradient the tape writes first, so the op's
/// backward must add to it (fan-out). Without q the op's backward overwrites the gradient.
/// </summary>
internal static class ProjectedLoss
{
    /// <summary>L on the device (recorded on the tape).</summary>
    public static Tensor Device(Tensor x, Tensor y, float[] r, float[]? q)
    {
        var d = x.Device;
        var toY = Reduction.Sum(Elementwise.Multiply(y, Tensor.FromArray(d, y.Shape, r)));
        return q is null ? toY : Elementwise.Add(toY, Reduction.Sum(Elementwise.Multiply(x, Tensor.FromArray(d, x.Shape, q))));
    }

    /// <summary>L in double from the reference output y and the input x.</summary>
    public static double Reference(double[] x, double[] y, float[] r, float[]? q)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += r[i] * y[i];
        for (int i = 0; q is not null && i < x.Length; i++) s += q[i] * x[i];
        return s;
    }

    /// <summary>The fan-out term of a test case: q (seeded) when <paramref name="fanOut"/>, otherwise none.</summary>
    public static float[]? FanOut(bool fanOut, int seed, long n) => fanOut ? Support.TestData.Uniform(seed, n) : null;
}
