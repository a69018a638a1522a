using Aia.Engine.Models;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using Aia.Engine.Verification.References;
using Aia.Kernels.Convolution;
using Aia.Tests.Support;
using ILGPU;
using ILGPU.Runtime;
using Device = Aia.Engine.Runtime.Device;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>
/// Every kernel family on the CPU accelerator shaped like a GPU (warps of 32, groups of 256 and 128), planned
/// exactly as on CUDA: 64 x 64 GEMM tiles of register microtiles (<c>MicrotileProduct</c>), split-K, one neuron per
/// thread, grid-stride over 8 groups per multiprocessor. Each op runs twice (bitwise equal) and is compared with the
/// C# references. Shapes are small: every simulated thread is an OS thread. This class: the GEMM-shaped ops
/// (convolution, linear) with groups of 256 and 128; <see cref="GpuShapedLayerTests"/>: the other families.
/// </summary>
[TestFixture(256)]
[TestFixture(128)]
public sealed class GpuShapedTests(int groupSize) : GpuShapedFixture(groupSize)
{

    public static IEnumerable<ConvGeometry> Convolutions()
    {
        yield return new ConvGeometry(2, 3, 9, 7, 5, 3, 3, 1, 1);     // odd sizes, padding
        yield return new ConvGeometry(2, 5, 10, 7, 6, 3, 3, 2, 0);    // stride 2
        yield return new ConvGeometry(1, 4, 11, 11, 7, 5, 5, 2, 2);   // 5 x 5, stride 2, padding 2
        yield return new ConvGeometry(4, 3, 16, 16, 5, 3, 3, 1, 1);   // long pixel reduction: the weight gradient splits K
    }

    [Test]
    public void PlansAsOnCuda()
    {
        var s = D.Launches;
        Assert.That((s.Gpu, s.GroupSize, s.GroupCount, s.SharedBytes, s.VectorTiles), Is.EqualTo((true, GroupSize, 16, 48 * 1024, false)));
        var t = Convolution.Tilings(s, new ConvGeometry(4, 64, 16, 16, 64, 3, 3, 1, 1)).Forward;
        Assert.That((t.TileM, t.TileN, t.ChunkK), Is.EqualTo((64, 64, 32)));
        Assert.That(Convolution.Tilings(s, new ConvGeometry(4, 3, 16, 16, 5, 3, 3, 1, 1)).BackwardWeight.Splits, Is.GreaterThan(1));
        Assert.That(MatrixProduct.Tilings(s, 20, 300, 3).Forward.Splits, Is.GreaterThan(1));
    }

    [TestCaseSource(nameof(Convolutions))]
    public void ConvolutionMatchesReference(ConvGeometry g)
    {
        foreach (var c in ProductCases.Convolution(D, g, seed: 1))
            TestData.AssertClose(Twice(c.Run), c.Expected, c.Name);
    }

    [Test]
    public void LinearMatchesReference([Values(3, 37)] int outputs)
    {
        foreach (var c in ProductCases.Linear(D, 20, 300, outputs, seed: 5))
            TestData.AssertClose(Twice(c.Run), c.Expected, c.Name);
    }
}

/// <summary>Pooling, batch norm, every neuron and the loss on the GPU-shaped device with groups of 256 (see <see cref="GpuShapedTests"/>).</summary>
public sealed class GpuShapedLayerTests() : GpuShapedFixture(256)
{
    [Test]
    public void PoolingMatchesReference([Values(false, true)] bool max)
    {
        var d = D;
        const int planes = 6, h = 9, w = 7;
        var x = TestData.Uniform(9, planes * h * w);
        var dy = TestData.Uniform(10, planes * 4 * 3);
        var (y, dx) = TwicePair(() =>
        {
            var input = Up(d, x, planes, h, w);
            input.RequiresGrad = true;
            var o = max ? Pooling.MaxPool2d(input, 2) : Pooling.AvgPool2d(input, 2);
            BackwardFrom(o, dy);
            return (o.ToArray(), input.Grad!.ToArray());
        });
        var (xd, dyd) = (TestData.ToDouble(x), TestData.ToDouble(dy));
        TestData.AssertClose(y, max ? PoolingReference.Max(xd, planes, h, w, 2, 2) : PoolingReference.Average(xd, planes, h, w, 2, 2), "forward", 1e-6, 1e-5);
        TestData.AssertClose(dx, max ? PoolingReference.MaxBackward(xd, dyd, planes, h, w, 2, 2) : PoolingReference.AverageBackward(dyd, planes, h, w, 2, 2), "backward", 1e-6, 1e-5);
    }

    [Test]
    public void BatchNormMatchesReference()
    {
        var d = D;
        const int batch = 3, channels = 5, spatial = 37;
        var x = TestData.Uniform(11, batch * channels * spatial, -1f, 3f);
        var dy = TestData.Uniform(12, x.Length);
        var gamma = TestData.Uniform(13, channels, 0.5f, 1.5f);
        var beta = TestData.Uniform(14, channels);
        var (y, grads) = TwicePair(() =>
        {
            using var weight = Parameter(d, gamma, true);
            using var bias = Parameter(d, beta, true);
            using var mean = Parameter(d, new float[channels], false);
            using var variance = Parameter(d, Enumerable.Repeat(1f, channels).ToArray(), false);
            var input = Up(d, x, batch, channels, spatial);
            input.RequiresGrad = true;
            var o = Normalization.BatchNorm(input, weight, bias, mean, variance, training: true);
            BackwardFrom(o, dy);
            return (o.ToArray(), (float[])[.. input.Grad!.ToArray(), .. weight.Grad!.ToArray(), .. bias.Grad!.ToArray()]);
        });
        var (xd, gd) = (TestData.ToDouble(x), TestData.ToDouble(gamma));
        TestData.AssertClose(y, BatchNormReference.Training(xd, batch, channels, spatial, gd, TestData.ToDouble(beta), 1e-5), "forward", 1e-4, 1e-3);
        var (rdx, rdg, rdb) = BatchNormReference.Backward(TestData.ToDouble(dy), xd, batch, channels, spatial, gd, 1e-5);
        TestData.AssertClose(grads[..x.Length], rdx, "dx", 1e-5, 1e-3);
        TestData.AssertClose(grads[x.Length..], [.. rdg, .. rdb], "dgamma, dbeta", 1e-3, 1e-3);
    }

    [Test]
    public void NeuronsMatchReference([Values] NeuronKind kind)
    {
        var d = D;
        var c = NeuronCase.Random(kind, new Shape(3, 2, 5, 4, 3), new NeuronOptions(), (ulong)kind + 31, quantized: true);
        var first = c.Run(d);
        d.Arena.Reset();
        var second = c.Run(d);
        Assert.That(second.Spikes, Is.EqualTo(first.Spikes), "spikes of two runs");
        Assert.That(second.InputGradient, Is.EqualTo(first.InputGradient), "gradients of two runs");
        Assert.That(second.ParameterGradient, Is.EqualTo(first.ParameterGradient), "parameter gradients of two runs");
        Assert.That(first.Spikes, Is.EqualTo(c.ReferenceForward().Spikes), "spikes");
        var reference = c.ReferenceBackward();
        TestData.AssertClose(first.InputGradient, reference.Input, "dx", 1e-5, 1e-4);
        if (kind is NeuronKind.Plif or NeuronKind.CachedAia)
            TestData.AssertClose(first.ParameterGradient, c.ReferenceParameterGradient(reference), "parameter gradient", 1e-3, 1e-4);
    }

    [Test]
    public void CrossEntropyMatchesReference([Values(0, 3)] int steps)
    {
        var d = D;
        const int n = 7, k = 5;
        var shape = steps == 0 ? new Shape(n, k) : new Shape(steps, n, k);
        var logits = TestData.Uniform(15, shape.Length, -4f, 4f);
        var labels = Enumerable.Range(0, n).Select(i => (i * 3) % k).ToArray();
        var (loss, grad) = TwicePair(() =>
        {
            var labelView = d.Arena.Allocate<int>(n);
            labelView.CopyFromCPU(labels);
            var input = Tensor.FromArray(d, shape, logits);
            input.RequiresGrad = true;
            var l = steps == 0 ? Losses.CrossEntropy(input, labelView, 0.1f) : Losses.CrossEntropyPerStep(input, labelView, 0.1f);
            var value = l.ToArray();
            d.Tape.Backward(l);
            return (value, input.Grad!.ToArray());
        });
        if (steps == 0)
        {
            var ld = TestData.ToDouble(logits);
            TestData.AssertClose(loss, [CrossEntropyReference.Loss(ld, labels, k, 0.1)], "loss", 1e-6, 1e-5);
            TestData.AssertClose(grad, CrossEntropyReference.Gradient(ld, labels, k, 0.1), "dlogits", 1e-7, 1e-4);
        }
        else
        {
            // Per step: the mean over steps of each step's loss; its gradient is each step's gradient / steps.
            double total = 0;
            var expected = new double[logits.Length];
            for (int t = 0; t < steps; t++)
            {
                var step = TestData.ToDouble(logits[(t * n * k)..((t + 1) * n * k)]);
                total += CrossEntropyReference.Loss(step, labels, k, 0.1) / steps;
                var g = CrossEntropyReference.Gradient(step, labels, k, 0.1);
                for (int i = 0; i < g.Length; i++)
                    expected[t * n * k + i] = g[i] / steps;
            }
            TestData.AssertClose(loss, [total], "loss", 1e-6, 1e-5);
            TestData.AssertClose(grad, expected, "dlogits", 1e-7, 1e-4);
        }
    }
}

/// <summary>The GPU-shaped device of one group size, and the run-twice helpers.</summary>
public abstract class GpuShapedFixture(int groupSize)
{
    protected int GroupSize => groupSize;

    protected Device D => TestDevice.GpuShaped(groupSize);

    /// <summary>Runs <paramref name="run"/> twice (the arena reset between) and asserts the results are bitwise equal.</summary>
    protected float[] Twice(Func<float[]> run) => TwicePair(() => (run(), Array.Empty<float>())).First;

    protected (float[] First, float[] Second) TwicePair(Func<(float[], float[])> run)
    {
        var a = run();
        D.Arena.Reset();
        var b = run();
        Assert.That(b.Item1, Is.EqualTo(a.Item1).AsCollection, "first output of two runs, bitwise");
        Assert.That(b.Item2, Is.EqualTo(a.Item2).AsCollection, "second output of two runs, bitwise");
        return a;
    }

    protected static Tensor Up(Device d, float[] data, params int[] shape) =>
        Tensor.FromArray(d, new Shape(shape.Length == 0 ? [data.Length] : shape), data);

    protected static void BackwardFrom(Tensor y, float[] dy) =>
        y.Device.Tape.Backward(Reduction.Sum(Elementwise.Multiply(y, Tensor.FromArray(y.Device, y.Shape, dy))));

    protected static Tensor Parameter(Device d, float[] data, bool learnable)
    {
        var t = Tensor.Persistent(d, new Shape(data.Length), "p");
        t.CopyFrom(data);
        t.RequiresGrad = learnable;
        return t;
    }
}
