using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Kernels.Convolution;

namespace Aia.Benchmarks;

/// <summary>
/// Convolution and linear kernels at the VGGSNN layer shapes (batch 32 x T 10 images of 64x64, 3x3 convolutions
/// with padding 1, a 8192 -> 10 classifier), the batch divided by the scale. FLOPs count 2 per multiply-add
/// (2 M N K); bytes are the inputs read once and the output written once.
/// </summary>
public static class ConvolutionBenchmarks
{
    private static readonly (int In, int Out, int Size)[] VggLayers =
        [(2, 64, 64), (64, 128, 64), (128, 256, 32), (256, 256, 32), (256, 512, 16), (512, 512, 16), (512, 512, 8), (512, 512, 8)];

    /// <summary>Forward, backward-data and backward-weight of every layer, then the linear layer.</summary>
    public static IEnumerable<BenchmarkCase> All(int scale)
    {
        int images = Math.Max(1, 10 * 32 / scale);
        for (int i = 0; i < VggLayers.Length; i++)
        {
            var (cin, cout, size) = VggLayers[i];
            var g = new ConvGeometry(images, cin, size, size, cout, 3, 3, 1, 1);
            string shape = $"[{images},{cin},{size},{size}]->{cout}";
            double flops = 2.0 * g.MultiplyAdds;
            long x = (long)images * cin * g.InPlane, w = (long)cout * g.Patch, y = (long)images * cout * g.OutPlane;
            yield return new BenchmarkCase($"conv{i + 1}.forward", shape, flops, 4.0 * (x + w + y), d =>
            {
                var (tx, tw, ty) = (Random(d, x, 1), Random(d, w, 2), Tensor.Persistent(d, new Shape((int)y)));
                return () => Convolution.Forward(d, tx.View, tw.View, null, ty.View, g);
            });
            yield return new BenchmarkCase($"conv{i + 1}.backward-data", shape, flops, 4.0 * (y + w + x), d =>
            {
                var (tdy, tw, tdx) = (Random(d, y, 3), Random(d, w, 2), Tensor.Persistent(d, new Shape((int)x)));
                return () => Convolution.BackwardData(d, tdy.View, tw.View, tdx.View, g, accumulate: false);
            });
            yield return new BenchmarkCase($"conv{i + 1}.backward-weight", shape, flops, 4.0 * (y + x + w), d =>
            {
                var (tdy, tx, tdw) = (Random(d, y, 3), Random(d, x, 1), Tensor.Persistent(d, new Shape((int)w)));
                return () =>
                {
                    d.Arena.Reset();
                    Convolution.BackwardWeight(d, tdy.View, tx.View, tdw.View, g, accumulate: false);
                };
            });
        }

        const int inputs = 8192, outputs = 10;
        int rows = images;
        double linearFlops = 2.0 * rows * inputs * outputs;
        string linearShape = $"[{rows},{inputs}]->{outputs}";
        long lx = (long)rows * inputs, lw = (long)outputs * inputs, ly = (long)rows * outputs;
        yield return new BenchmarkCase("linear.forward", linearShape, linearFlops, 4.0 * (lx + lw + ly), d =>
        {
            var (tx, tw, tb, ty) = (Random(d, lx, 4), Random(d, lw, 5), Random(d, outputs, 6), Tensor.Persistent(d, new Shape((int)ly)));
            return () => MatrixProduct.Forward(d, tx.View, tw.View, tb.View, ty.View, rows, inputs, outputs);
        });
        yield return new BenchmarkCase("linear.backward-data", linearShape, linearFlops, 4.0 * (ly + lw + lx), d =>
        {
            var (tdy, tw, tdx) = (Random(d, ly, 7), Random(d, lw, 5), Tensor.Persistent(d, new Shape((int)lx)));
            return () => MatrixProduct.BackwardData(d, tdy.View, tw.View, tdx.View, rows, inputs, outputs, accumulate: false);
        });
        yield return new BenchmarkCase("linear.backward-weight", linearShape, linearFlops, 4.0 * (ly + lx + lw), d =>
        {
            var (tdy, tx, tdw) = (Random(d, ly, 7), Random(d, lx, 4), Tensor.Persistent(d, new Shape((int)lw)));
            return () =>
            {
                d.Arena.Reset();
                MatrixProduct.BackwardWeight(d, tdy.View, tx.View, tdw.View, rows, inputs, outputs, accumulate: false);
            };
        });
    }

    private static Tensor Random(Device d, long n, ulong seed)
    {
        var t = Tensor.Persistent(d, new Shape((int)n));
        Init.Uniform(t, -1f, 1f, new Rng(seed));
        return t;
    }
}
