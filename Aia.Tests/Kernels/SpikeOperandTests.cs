using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Kernels.Convolution;
using Aia.Kernels.Neurons;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>
/// The bit-packed spike operands (<see cref="SpikeInputColumns"/>, <see cref="SpikeInputRows"/>) against the float ones:
/// the convolution forward and weight gradient of spikes kept as bits equal those of the unpacked floats bit for bit,
/// on the test CPU device, the production-shaped one (groups of 1, vector tiles) and the GPU-shaped one (CUDA's plan).
/// </summary>
public sealed class SpikeOperandTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        var geometries = new[]
        {
            new ConvGeometry(2, 3, 9, 7, 5, 3, 3, 1, 1),    // odd sizes, padding: quads straddle words
            new ConvGeometry(2, 5, 10, 7, 6, 3, 3, 2, 0),   // stride 2
            new ConvGeometry(3, 4, 16, 16, 8, 3, 3, 1, 1),  // runs of four inside rows, long pixel reduction (split-K on GPUs)
        };
        foreach (var device in new[] { "cpu", "cpu1", "gpu-shaped" })
            foreach (var g in geometries)
                yield return new TestCaseData(device, g).SetArgDisplayNames(device, $"{g.Batch}x{g.InChannels}x{g.Height}x{g.Width} s{g.Stride} p{g.Padding}");
    }

    [TestCaseSource(nameof(Cases))]
    public void BitsGiveTheFloatResultsBitForBit(string device, ConvGeometry g)
    {
        var d = device switch { "cpu" => TestDevice.Cpu, "cpu1" => TestDevice.WithGroupSize(1), _ => TestDevice.GpuShaped(256) };
        d.Arena.Reset();
        int n = g.Batch * g.InChannels * g.InPlane;
        var spikes = TestData.Uniform(5, n, 0f, 1f).Select(v => v > 0.6f ? 1f : 0f).ToArray();
        var w = TestData.Uniform(6, (long)g.OutChannels * g.Patch);
        var bias = TestData.Uniform(7, g.OutChannels);
        var dy = TestData.Uniform(8, (long)g.Batch * g.OutChannels * g.OutPlane);
        var x = Tensor.FromArray(d, new Shape(n), spikes);
        var bits = d.Arena.Allocate<uint>((n + 31L) >> 5);
        d.Launch(SpikeBitsKernels.Pack, d.GridStride(bits.Length), x.View, bits, n);
        var wd = Tensor.FromArray(d, new Shape(w.Length), w);
        var bd = Tensor.FromArray(d, new Shape(bias.Length), bias);
        var dyd = Tensor.FromArray(d, new Shape(dy.Length), dy);

        var yFloat = Tensor.Empty(d, new Shape(dy.Length));
        var yBits = Tensor.Empty(d, new Shape(dy.Length));
        Convolution.Forward(d, x.View, wd.View, bd.View, yFloat.View, g);
        Convolution.ForwardFromBits(d, bits, wd.View, bd.View, yBits.View, g);
        Assert.That(yBits.ToArray(), Is.EqualTo(yFloat.ToArray()), "forward");

        var dwFloat = Tensor.Empty(d, new Shape(w.Length));
        var dwBits = Tensor.Empty(d, new Shape(w.Length));
        Convolution.BackwardWeight(d, dyd.View, x.View, dwFloat.View, g, accumulate: false);
        Convolution.BackwardWeightFromBits(d, dyd.View, bits, dwBits.View, g, accumulate: false);
        Assert.That(dwBits.ToArray(), Is.EqualTo(dwFloat.ToArray()), "weight gradient");
        Convolution.BackwardWeight(d, dyd.View, x.View, dwFloat.View, g, accumulate: true);
        Convolution.BackwardWeightFromBits(d, dyd.View, bits, dwBits.View, g, accumulate: true);
        Assert.That(dwBits.ToArray(), Is.EqualTo(dwFloat.ToArray()), "weight gradient, accumulated");
        Assert.That(yFloat.ToArray().Any(v => v != 0f) && dwFloat.ToArray().Any(v => v != 0f), "the products are not trivially zero");
    }
}
