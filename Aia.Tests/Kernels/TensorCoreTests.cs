using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Kernels.Convolution;
using Aia.Kernels.Gemm;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>
/// The tensor-core GEMM (fragment loads, PTX ISA layouts, epilogue) on the GPU-shaped CPU device, where
/// <see cref="WarpTensorCore"/> stands in for mma.sync: convolution forward, backward-data and backward-weight and
/// linear at odd shapes in TF32 and BF16, against the C# references. The error of each output is measured relative
/// to sum_k |a_k b_k| and must stay within <see cref="Device.Tolerance"/> (4 unit roundoffs of the input format).
/// </summary>
[TestFixture(Precision.Tf32)]
[TestFixture(Precision.Bf16)]
public sealed class TensorCoreTests(Precision precision)
{
    private Device D => TestDevice.GpuShaped(256, precision);

    public static IEnumerable<ConvGeometry> Convolutions() => GpuShapedTests.Convolutions();

    [Test]
    public void TheDeviceMultipliesWithTensorCores()
    {
        Assert.That(D.Precision, Is.EqualTo(precision));
        Assert.That(D.TileProduct.GetGenericTypeDefinition(), Is.EqualTo(typeof(TensorCoreTileProduct<,>)));
        Assert.That(D.Launches.WholeTile, Is.True);
    }

    [TestCaseSource(nameof(Convolutions))]
    public void ConvolutionMatchesReference(ConvGeometry g)
    {
        foreach (var c in ProductCases.Convolution(D, g, seed: 21))
            Within(c.Run(), c.Expected, c.Magnitude, c.Name);
    }

    [Test]
    public void LinearMatchesReference([Values(3, 37)] int outputs)
    {
        foreach (var c in ProductCases.Linear(D, 21, 300, outputs, seed: 25))
            Within(c.Run(), c.Expected, c.Magnitude, c.Name);
    }

    /// <summary>Spikes (0 or 1) times weights exact in the format: the product equals FP32 on the rounded weights.</summary>
    [Test]
    public void SpikeInputsAreExact()
    {
        var d = D;
        const int rows = 9, inputs = 40, outputs = 5;
        var x = TestData.Uniform(29, rows * inputs).Select(v => v > 0.2f ? 1f : 0f).ToArray();
        // Weights that are exact in BF16 (7 mantissa bits) and small integers sums: every product is exact.
        var w = TestData.Uniform(30, outputs * inputs).Select(v => MathF.Round(v * 64) / 64).ToArray();
        var y = Tensor.Empty(d, new Shape(rows * outputs));
        MatrixProduct.Forward(d, Up(d, x).View, Up(d, w).View, null, y.View, rows, inputs, outputs);
        var expected = GemmReference.Linear(TestData.ToDouble(x), TestData.ToDouble(w), null, rows, inputs, outputs);
        Assert.That(y.ToArray(), Is.EqualTo(expected.Select(v => (float)v).ToArray()));
    }

    [Test]
    public void CreationCheckPassesAndFallsBackWithOneWarning()
    {
        var d = D;
        double error = d.MeasureTensorCores();
        Assert.That(error, Is.GreaterThan(0).And.LessThanOrEqualTo(Device.Tolerance(precision)), "the tensor-core product against FP32");
        var warnings = new List<string>();
        using var strict = Device.CreateGpuShaped(256, precision: precision);
        strict.CheckTensorCores(warnings.Add, tolerance: 0);
        Assert.That(strict.Precision, Is.EqualTo(Precision.Fp32), "a failed check falls back to FP32");
        Assert.That(warnings, Has.Count.EqualTo(1).And.Some.Contains("FP32"));
        Assert.That(strict.TensorCoreCheck, Does.Contain("using FP32"));
    }

    private void Within(float[] actual, double[] expected, double[] bound, string what)
    {
        double error = Device.RelativeError(actual, [.. expected.Select(v => (float)v)], [.. bound.Select(v => (float)v)]);
        Assert.That(error, Is.LessThanOrEqualTo(Device.Tolerance(precision)), $"{what} in {precision}: relative error {error:E2}");
        TestContext.Out.WriteLine($"{what} {precision}: relative error {error:E2}");
    }

    private static Tensor Up(Device d, float[] data) => Tensor.FromArray(d, new Shape(data.Length), data);
}

/// <summary>The rounding of <see cref="WarpTensorCore"/> (the hardware's cvt.rna.tf32.f32 and cvt.rn.bf16x2.f32) on the host.</summary>
public sealed class TensorCoreRoundingTests
{
    [Test]
    public void Tf32RoundsToNearestTiesAway()
    {
        var core = default(WarpTensorCore);
        Assert.That(BitConverter.UInt32BitsToSingle(core.ToTf32(1f + 0x1000 * MathF.Pow(2, -23))), Is.EqualTo(1f + MathF.Pow(2, -10)), "a tie rounds away");
        Assert.That(BitConverter.UInt32BitsToSingle(core.ToTf32(1f + 0xFFF * MathF.Pow(2, -23))), Is.EqualTo(1f), "below the tie rounds down");
        Assert.That(BitConverter.UInt32BitsToSingle(core.ToTf32(-3.3f)), Is.EqualTo(-3.3007812f));
        Assert.That(core.ToTf32(1f), Is.EqualTo(BitConverter.SingleToUInt32Bits(1f)), "spikes are exact");
    }

    [Test]
    public void Bf16RoundsToNearestEvenAndPacksLowFirst()
    {
        var core = default(WarpTensorCore);
        uint pair = core.PackBf16(1f, -2f);
        Assert.That(pair & 0xFFFF, Is.EqualTo(0x3F80u));
        Assert.That(pair >> 16, Is.EqualTo(0xC000u));
        Assert.That(core.PackBf16(BitConverter.UInt32BitsToSingle(0x3F808000), 0f) & 0xFFFF, Is.EqualTo(0x3F80u), "a tie rounds to even (down)");
        Assert.That(core.PackBf16(BitConverter.UInt32BitsToSingle(0x3F818000), 0f) & 0xFFFF, Is.EqualTo(0x3F82u), "a tie rounds to even (up)");
        Assert.That(core.PackBf16(BitConverter.UInt32BitsToSingle(0x3F808001), 0f) & 0xFFFF, Is.EqualTo(0x3F81u), "above the tie rounds up");
    }
}
