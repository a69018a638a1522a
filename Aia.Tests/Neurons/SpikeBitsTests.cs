using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Kernels;
using Aia.Kernels.Neurons;
using Aia.Tests.Support;
using ILGPU.Runtime;
using Device = Aia.Engine.Runtime.Device;
using NUnit.Framework;

namespace Aia.Tests.Neurons;

/// <summary>
/// Spikes kept as bits (<see cref="SpikeBitsKernels"/>): the plain <see cref="SpikeBitsKernels.Pack"/> against a C#
/// reference of the layout, the CPU form <see cref="SpikeBitsKernels.PackBlocks"/> against the plain one, and average
/// pooling straight from the bits (<see cref="SpikeBitsKernels.AvgPool"/>, <see cref="SpikeBitsKernels.AvgPoolQuads"/>)
/// against the pooling of the unpacked floats, bit for bit, on the test CPU device, the production-shaped one (groups of
/// 1) and the GPU-shaped one.
/// </summary>
public sealed class SpikeBitsTests
{
    private static Device Of(string device) =>
        device switch { "cpu" => TestDevice.Cpu, "cpu1" => TestDevice.WithGroupSize(1), _ => TestDevice.GpuShaped(256) };

    private static uint[] Read(ILGPU.ArrayView<uint> view)
    {
        var host = new uint[view.Length];
        MemoryArena.CopyOut(view, host.AsSpan());
        return host;
    }

    private static float[] Spikes(int seed, int n) => TestData.Uniform(seed, n, 0f, 1f).Select(v => v > 0.7f ? 1f : 0f).ToArray();

    [TestCase("cpu", 32 * 37)]
    [TestCase("cpu", 32 * 37 + 5)]
    [TestCase("cpu1", 32 * 1000)]
    [TestCase("gpu-shaped", 32 * 37 + 31)]
    public void PackingFollowsTheLayoutAndBothFormsAgree(string device, int n)
    {
        var d = Of(device);
        d.Arena.Reset();
        var spikes = Spikes(n, n);
        var x = Tensor.FromArray(d, new Shape(n), spikes);
        int words = (n + 31) >> 5;
        var plain = d.Arena.Allocate<uint>(words);
        d.Launch(SpikeBitsKernels.Pack, d.GridStride(words), x.View, plain, n);
        var expected = new uint[words];
        for (int e = 0; e < n; e++)
            expected[e >> 5] |= (spikes[e] >= 0.5f ? 1u : 0u) << (e & 31);
        Assert.That(Read(plain), Is.EqualTo(expected), "Pack against the layout");
        Assert.That(expected.Any(w => w != 0u) && expected.Any(w => w != uint.MaxValue), "mixed spikes");

        var chosen = d.Arena.Allocate<uint>(words);
        Spiking.PackSpikes(d, x.View, chosen, n);
        Assert.That(Read(chosen), Is.EqualTo(expected), "the form the engine picks");
        if (n % 32 == 0)
        {
            var blocks = d.Arena.Allocate<uint>(words);
            d.Launch(SpikeBitsKernels.PackBlocks, d.GridStride(words), x.View, blocks, words, d.Launches.Gpu ? 1 : CpuLayout.Block(d, words));
            Assert.That(Read(blocks), Is.EqualTo(expected), "PackBlocks against Pack");
        }

        var back = Tensor.Empty(d, new Shape(n));
        d.Launch(SpikeBitsKernels.Unpack, d.GridStride(n), plain, back.View, n);
        Assert.That(back.ToArray(), Is.EqualTo(spikes), "Unpack");
    }

    public static IEnumerable<TestCaseData> PoolCases()
    {
        // planes, H, W, kernel, stride: quad-shaped (2 x 2, stride 2, W a multiple of 8), and windows the quads do not cover.
        var shapes = new[] { (12, 16, 16, 2, 2), (5, 8, 24, 2, 2), (6, 9, 7, 2, 2), (4, 10, 12, 3, 2), (3, 8, 8, 2, 1) };
        foreach (var device in new[] { "cpu", "cpu1", "gpu-shaped" })
            foreach (var s in shapes)
                yield return new TestCaseData(device, s.Item1, s.Item2, s.Item3, s.Item4, s.Item5)
                    .SetArgDisplayNames(device, $"{s.Item1}x{s.Item2}x{s.Item3} k{s.Item4} s{s.Item5}");
    }

    [TestCaseSource(nameof(PoolCases))]
    public void AveragePoolingFromBitsEqualsPoolingTheFloats(string device, int planes, int h, int w, int kernel, int stride)
    {
        var d = Of(device);
        d.Arena.Reset();
        int n = planes * h * w;
        var spikes = Spikes(planes + h, n);
        var x = Tensor.FromArray(d, new Shape(planes, h, w), spikes);
        var bits = d.Arena.Allocate<uint>((n + 31) >> 5);
        Spiking.PackSpikes(d, x.View, bits, n);
        var g = new PoolGeometry(planes, h, w, (h - kernel) / stride + 1, (w - kernel) / stride + 1, kernel, kernel, stride, stride);
        var fromBits = Tensor.Empty(d, new Shape(g.OutputLength));
        Pooling.AvgPoolBits(d, bits, fromBits.View, g);
        var floats = Pooling.AvgPool2d(x, kernel, stride);

        var expected = new float[g.OutputLength];
        for (int o = 0; o < expected.Length; o++)
        {
            var (plane, origin) = g.Window(o);
            float sum = 0f;
            for (int kh = 0; kh < kernel; kh++)
                for (int kw = 0; kw < kernel; kw++)
                    sum += spikes[plane * h * w + origin + kh * w + kw];
            expected[o] = sum * (1f / (kernel * kernel));
        }
        Assert.That(floats.ToArray(), Is.EqualTo(expected), "pooling the floats against the reference");
        Assert.That(fromBits.ToArray(), Is.EqualTo(expected), "pooling the bits");
        Assert.That(expected.Distinct().Count(), Is.GreaterThan(2), "windows with different spike counts");
    }
}
