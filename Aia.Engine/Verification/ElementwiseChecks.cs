using Aia.Engine.Autodiff;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Verification;

/// <summary>Checks of the elementwise and reduction kernels.</summary>
public static class ElementwiseChecks
{
    /// <summary>The cases at a size of about 10 x 32 / scale x 64 x 64 x 64 elements.</summary>
    public static IEnumerable<KernelCheck> Cases(int scale)
    {
        int n = 10 * 32 / scale * 64 * 64 * 64;
        string shape = $"[{n}]";
        yield return new KernelCheck("elementwise.multiply", shape, d =>
        {
            var rng = new Rng(1);
            var a = RandomData.Uniform(rng, n);
            var b = RandomData.Uniform(rng, n);
            var y = Elementwise.Multiply(Tensor.FromArray(d, new Shape(n), a), Tensor.FromArray(d, new Shape(n), b)).ToArray();
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = (double)a[i] * b[i];
            return GradCheck.Compare(y, expected, 1e-7, 1e-6);
        });
        yield return new KernelCheck("reduction.sum", shape, d =>
        {
            var a = RandomData.Uniform(new Rng(2), n);
            var y = Reduction.Sum(Tensor.FromArray(d, new Shape(n), a)).ToArray();
            double expected = 0, magnitude = 0;
            foreach (var v in a)
            {
                expected += v;
                magnitude += Math.Abs(v);
            }
            // A float32 sum of mixed signs is judged against the sum of magnitudes (its condition), not against the
            // result, which can be near 0: blocked accumulation stays far inside 2e-7 sum|a| (eps 6e-8, a few levels).
            return GradCheck.Compare(y, [expected], Math.Max(1e-3, 2e-7 * magnitude), 0);
        });
    }
}
