using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Kernels.Convolution;
using Aia.Kernels.Gemm;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>
/// The CPU accelerator's vector tile product against the portable microtiles GPUs run: every GEMM-shaped kernel
/// (convolution forward, backward-data, backward-weight with split-K, linear) must give the same floats bit for
/// bit, on tiles that take each vector path (4 rows x 32 columns, x 8 columns, scalar columns of 4-wide tiles),
/// partial tiles and several chunks. Both are also checked against the C# references in ConvolutionTests and
/// LinearTests.
/// </summary>
public sealed class TileProductTests
{
    private static readonly Dictionary<(int, bool), Device> Devices = [];

    private static Device Cpu(int groupSize, bool vectorTiles)
    {
        lock (Devices)
        {
            if (!Devices.TryGetValue((groupSize, vectorTiles), out var d))
                Devices[(groupSize, vectorTiles)] = d = Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: groupSize, cpuCores: 2, cpuVectorTiles: vectorTiles);
            d.Arena.Reset();
            return d;
        }
    }

    [OneTimeTearDown]
    public void DisposeDevices()
    {
        foreach (var d in Devices.Values)
            d.Dispose();
        Devices.Clear();
    }

    /// <summary>Tilings: planned (null: 256-wide on the CPU), 128 x 128, 8 x 64, 16 x 8 and 4 x 4, with 2 splits where allowed.</summary>
    private static IEnumerable<GemmTiling?> Tilings(int m, int n, int k, bool split)
    {
        yield return null;
        yield return new GemmTiling(m, n, k, 128, 128, 64);
        yield return new GemmTiling(m, n, k, 8, 64, 16, split ? 2 : 1);
        yield return new GemmTiling(m, n, k, 16, 8, 8);
        yield return new GemmTiling(m, n, k, 4, 4, 4);
    }

    private static float[] Run(Device d, float[][] inputs, int outputLength, Action<Device, Tensor[], Tensor> op)
    {
        var tensors = inputs.Select(a => Tensor.FromArray(d, new Shape(a.Length), a)).ToArray();
        var output = Tensor.FromArray(d, new Shape(outputLength), TestData.Uniform(99, outputLength));
        op(d, tensors, output);
        return output.ToArray();
    }

    private static void AssertSame(int groupSize, float[][] inputs, int outputLength, Action<Device, Tensor[], Tensor> op, string what)
    {
        var vectorDevice = Cpu(groupSize, vectorTiles: true);
        Assume.That(vectorDevice.VectorTiles, "this processor has no 256-bit vectors: the CPU runs the portable product");
        var vector = Run(vectorDevice, inputs, outputLength, op);
        var portable = Run(Cpu(groupSize, vectorTiles: false), inputs, outputLength, op);
        Assert.That(vector.Any(v => v != 0f), what + ": a zero result proves nothing");
        Assert.That(vector, Is.EqualTo(portable), what);
    }

    [Test]
    public void TheCpuUsesVectorTilesWhereTheProcessorHas256BitVectors()
    {
        Assert.That(Cpu(1, vectorTiles: true).VectorTiles, Is.EqualTo(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated));
        Assert.That(Cpu(1, vectorTiles: false).VectorTiles, Is.False);
        Assert.That(Cpu(1, vectorTiles: true).Description.Contains("vector tiles"), Is.EqualTo(Cpu(1, vectorTiles: true).VectorTiles));
        Assert.That(Cpu(1, vectorTiles: false).Description, Does.Not.Contain("vector tiles"));
    }

    [Test]
    public void ConvolutionIsTheSameBitForBit([Values(1, 2)] int groupSize, [Values(1, 2)] int stride)
    {
        // 37 output channels, 3 x 19 x 21 images of 13 channels: partial tiles on every side, 117-step reductions.
        var g = new ConvGeometry(3, 13, 19, 21, 37, 3, 3, stride, 1);
        var x = TestData.Uniform(1, g.Batch * g.InChannels * g.InPlane);
        var w = TestData.Uniform(2, g.OutChannels * g.Patch);
        var bias = TestData.Uniform(3, g.OutChannels);
        var dy = TestData.Uniform(4, g.Batch * g.OutChannels * g.OutPlane);
        foreach (var t in Tilings(g.OutChannels, g.Batch * g.OutPlane, g.Patch, split: false))
            AssertSame(groupSize, [x, w, bias], dy.Length,
                (d, a, y) => Convolution.Forward(d, a[0].View, a[1].View, a[2].View, y.View, g, t), $"forward {t}");
        foreach (var t in Tilings(g.InChannels, g.Batch * g.InPlane, g.OutChannels * g.Taps, split: false))
            AssertSame(groupSize, [dy, w], x.Length,
                (d, a, dx) => Convolution.BackwardData(d, a[0].View, a[1].View, dx.View, g, accumulate: true, t), $"backward-data {t}");
        foreach (var t in Tilings(g.OutChannels, g.Patch, g.Batch * g.OutPlane, split: true))
            AssertSame(groupSize, [dy, x], w.Length,
                (d, a, dw) => Convolution.BackwardWeight(d, a[0].View, a[1].View, dw.View, g, accumulate: true, t), $"backward-weight {t}");
    }

    [Test]
    public void LinearIsTheSameBitForBit([Values(1, 2)] int groupSize)
    {
        const int rows = 45, inputs = 70, outputs = 33;
        var x = TestData.Uniform(5, rows * inputs);
        var w = TestData.Uniform(6, outputs * inputs);
        var bias = TestData.Uniform(7, outputs);
        var dy = TestData.Uniform(8, rows * outputs);
        foreach (var t in Tilings(outputs, rows, inputs, split: false))
            AssertSame(groupSize, [x, w, bias], dy.Length,
                (d, a, y) => MatrixProduct.Forward(d, a[0].View, a[1].View, a[2].View, y.View, rows, inputs, outputs, t), $"forward {t}");
        foreach (var t in Tilings(inputs, rows, outputs, split: false))
            AssertSame(groupSize, [dy, w], x.Length,
                (d, a, dx) => MatrixProduct.BackwardData(d, a[0].View, a[1].View, dx.View, rows, inputs, outputs, accumulate: false, t), $"backward-data {t}");
        foreach (var t in Tilings(outputs, inputs, rows, split: true))
            AssertSame(groupSize, [dy, x], w.Length,
                (d, a, dw) => MatrixProduct.BackwardWeight(d, a[0].View, a[1].View, dw.View, rows, inputs, outputs, accumulate: true, t), $"backward-weight {t}");
    }
}
