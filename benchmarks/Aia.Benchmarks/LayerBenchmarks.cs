using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Kernels;

namespace Aia.Benchmarks;

/// <summary>
/// Batch norm, pooling and optimizer benchmarks at the VGGSNN sizes: BN and pooling over [T * N, 128, 64, 64],
/// Adam over the network's 9.2M parameters. Bytes count what must move: each input read once, each output
/// written once (BN's forward reads x twice, for the statistics and for the normalisation).
/// </summary>
public static class LayerBenchmarks
{
    /// <summary>The cases; <paramref name="scale"/> divides the batch.</summary>
    public static IEnumerable<BenchmarkCase> Cases(int scale)
    {
        int tn = 10 * 32 / scale;
        var shape = new Shape(tn, 128, 64, 64);
        long n = shape.Length;
        yield return new BenchmarkCase("batchnorm.forward", shape.ToString(), 5.0 * n, 12.0 * n, d =>
        {
            var (x, bn) = BatchNorm(d, shape);
            return () =>
            {
                d.Arena.Reset();
                using var _ = d.Tape.NoGrad();
                bn(x);
            };
        });
        // The backward reads dy and x twice (partial sums, then dx) and writes dx; the row includes the forward
        // (12 bytes per element) and the tape's fill of dy with ones (4).
        yield return new BenchmarkCase("batchnorm.forward+backward", shape.ToString(), 12.0 * n, 36.0 * n, d =>
        {
            var (x, bn) = BatchNorm(d, shape);
            return () =>
            {
                d.Arena.Reset();
                var input = Tensor.Empty(d, shape);
                d.Launch(ElementwiseKernels.CopyOrAdd, d.GridStride(n), x.View, input.View, 0);
                input.RequiresGrad = true;
                d.Tape.Backward(bn(input));
            };
        });
        var pool = new PoolGeometry(tn * 128, 64, 64, 32, 32, 2, 2, 2, 2);
        yield return new BenchmarkCase("avgpool2d.forward", shape + " k2 s2", n, 5.0 * n, d =>
        {
            var x = Tensor.Persistent(d, shape);
            var y = Tensor.Persistent(d, new Shape(tn, 128, 32, 32));
            return () => d.Launch(PoolingKernels.AvgForward, d.GridStride(pool.OutputLength), x.View, y.View, pool);
        });
        yield return new BenchmarkCase("avgpool2d.backward", shape + " k2 s2", n, 5.0 * n, d =>
        {
            var dy = Tensor.Persistent(d, new Shape(tn, 128, 32, 32));
            var dx = Tensor.Persistent(d, shape);
            return () => d.Launch(PoolingKernels.AvgBackwardScatter, d.GridStride(pool.OutputLength), dy.View, dx.View, pool, 0);
        });
        long[] sizes = [64 * 2 * 9, 128 * 64 * 9, 256 * 128 * 9, 256 * 256 * 9, 512 * 256 * 9, 512 * 512 * 9, 512 * 512 * 9, 512 * 512 * 9, 10 * 8192];
        long parameters = sizes.Sum();
        // Reads p, g, m, v and writes p, m, v: 28 bytes per parameter, about 12 flops.
        yield return new BenchmarkCase("adam.step", $"{parameters / 1e6:F1}M in {sizes.Length} tensors", 12.0 * parameters, 28.0 * parameters, d =>
        {
            var tensors = sizes.Select((s, i) => (Name: "p" + i, Tensor: Tensor.Persistent(d, new Shape((int)s), "p" + i))).ToList();
            foreach (var (_, t) in tensors)
            {
                t.RequiresGrad = true;
                d.Tape.Backward(Reduction.Sum(t));
            }
            d.Arena.Reset();
            var adam = new Adam(d, tensors);
            return adam.Step;
        });
    }

    private static (Tensor X, Func<Tensor, Tensor> Bn) BatchNorm(Device d, Shape shape)
    {
        var x = Tensor.Persistent(d, shape);
        Init.Uniform(x, -1f, 1f, new Rng(1));
        var c = new Shape(shape[1]);
        var weight = Tensor.Persistent(d, c, "weight");
        var bias = Tensor.Persistent(d, c, "bias");
        var mean = Tensor.Persistent(d, c, "running_mean");
        var variance = Tensor.Persistent(d, c, "running_var");
        Init.Constant(weight, 1f);
        Init.Constant(variance, 1f);
        weight.RequiresGrad = bias.RequiresGrad = true;
        return (x, input => Normalization.BatchNorm(input, weight, bias, mean, variance, training: true));
    }
}
