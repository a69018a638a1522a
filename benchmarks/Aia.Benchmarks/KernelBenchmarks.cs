using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Kernels;

namespace Aia.Benchmarks;

/// <summary>The kernel microbenchmarks, at the VGGSNN layer shapes (batch 32, T 10, 64x64) unless scaled down.</summary>
public static class KernelBenchmarks
{
    /// <summary>All cases; <paramref name="scale"/> divides the batch (CPU runs use a small scale).</summary>
    public static IEnumerable<BenchmarkCase> All(int scale)
    {
        int tn = 10 * 32 / scale;
        long n = (long)tn * 64 * 64 * 64;
        yield return new BenchmarkCase("elementwise.add", $"[{tn}, 64, 64, 64]", n, 12.0 * n, d =>
        {
            var a = Tensor.Persistent(d, new Shape(tn, 64, 64, 64));
            var b = Tensor.Persistent(d, new Shape(tn, 64, 64, 64));
            var y = Tensor.Persistent(d, new Shape(tn, 64, 64, 64));
            return () => d.Launch(ElementwiseKernels.Add, d.GridStride(n), a.View, b.View, y.View);
        });
        yield return new BenchmarkCase("reduction.sum", $"[{tn}, 64, 64, 64]", n, 4.0 * n, d =>
        {
            var x = Tensor.Persistent(d, new Shape(tn, 64, 64, 64));
            var y = Tensor.Persistent(d, new Shape(1));
            return () =>
            {
                d.Arena.Reset();
                Reduction.SumInto(d, x.View, y.View, 1f, accumulate: false);
            };
        });
        foreach (var c in ConvolutionBenchmarks.All(scale).Concat(NeuronBenchmarks.Cases(scale)).Concat(LayerBenchmarks.Cases(scale)))
            yield return c;
    }
}
