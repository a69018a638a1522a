using Aia.Engine.Autodiff;
using Aia.Engine.Nn;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Kernels.Convolution;
using Aia.Kernels.Gemm;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

public sealed class ConvolutionTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    /// <summary>A convolution problem: input [Batch, In, Height, Width], kernel K x K.</summary>
    public sealed record Case(int Batch, int In, int Height, int Width, int Out, int K, int Stride, int Pad, bool Bias)
    {
        public ConvGeometry Geometry => new(Batch, In, Height, Width, Out, K, K, Stride, Pad);

        public override string ToString() =>
            $"x[{Batch},{In},{Height},{Width}] w[{Out},{In},{K},{K}] s{Stride} p{Pad}{(Bias ? " bias" : "")}";
    }

    private static readonly Case[] Fixed =
    [
        new(1, 1, 5, 5, 1, 3, 1, 1, false),
        new(2, 3, 7, 6, 5, 3, 1, 1, true),
        new(1, 2, 9, 7, 3, 5, 1, 2, false),
        new(3, 4, 8, 8, 6, 1, 1, 0, true),
        new(2, 3, 9, 9, 4, 3, 2, 1, false),
        new(2, 5, 10, 7, 3, 3, 2, 0, true),
        new(1, 8, 6, 6, 9, 3, 1, 1, false),   // reduction 72 > one chunk of 64, 9 rows: a partial microtile
        new(2, 2, 11, 11, 7, 5, 2, 2, true),
        new(1, 3, 4, 4, 2, 5, 1, 1, false),   // kernel larger than the input
        new(5, 3, 3, 3, 4, 3, 2, 0, true),    // 1 x 1 outputs: four neighbouring columns span four images
        new(3, 2, 1, 2, 3, 1, 1, 0, false),   // 1 x 2 planes
    ];

    public static IEnumerable<Case> Cases()
    {
        foreach (var c in Fixed)
            yield return c;
        for (int seed = 1; seed <= 4; seed++)
        {
            var rng = new Rng((ulong)(100 + seed));
            int k = 1 + 2 * rng.NextInt(3), stride = 1 + rng.NextInt(2), pad = rng.NextInt(k / 2 + 2);
            int h = k + rng.NextInt(8), w = k + rng.NextInt(8);
            yield return new Case(1 + rng.NextInt(3), 1 + rng.NextInt(6), h, w, 1 + rng.NextInt(10), k, stride, pad, rng.NextInt(2) == 1);
        }
    }

    /// <summary>
    /// The planned tiling (null) and tilings that exercise register mode (one microtile per thread), parking,
    /// many chunks and (for weight gradients, the products that support it) split-K.
    /// </summary>
    private static IEnumerable<GemmTiling?> Tilings(int m, int n, int k, bool split = false)
    {
        yield return null;
        yield return new GemmTiling(m, n, k, 4, 4, 4);
        yield return new GemmTiling(m, n, k, 8, 16, 8);
        yield return new GemmTiling(m, n, k, 16, 8, 16, split ? 3 : 1);
    }

    private sealed record Data(double[] X, double[] W, double[]? B, double[] Dy);

    private static Data Inputs(Case c, int seed)
    {
        var g = c.Geometry;
        return new Data(
            TestData.ToDouble(TestData.Uniform(seed, g.Batch * g.InChannels * g.InPlane)),
            TestData.ToDouble(TestData.Uniform(seed + 1, g.OutChannels * g.Patch)),
            c.Bias ? TestData.ToDouble(TestData.Uniform(seed + 2, g.OutChannels)) : null,
            TestData.ToDouble(TestData.Uniform(seed + 3, g.Batch * g.OutChannels * g.OutPlane)));
    }

    private static Tensor Upload(Device d, double[] data, params int[] shape) =>
        Tensor.FromArray(d, new Shape(shape), Array.ConvertAll(data, v => (float)v));

    private static Tensor Input(Device d, Case c, Data data) => Upload(d, data.X, c.Batch, c.In, c.Height, c.Width);

    private static Tensor Weight(Device d, Case c, Data data) => Upload(d, data.W, c.Out, c.In, c.K, c.K);

    /// <summary>Finite differences of L = sum(dy * conv(x, w, b)) in double precision: [dL/dx, dL/dw, dL/db].</summary>
    private static double[][] NumericGradients(Case c, Data data)
    {
        var g = c.Geometry;
        double[][] inputs = data.B is null ? [data.X, data.W] : [data.X, data.W, data.B];
        return GradCheck.Numeric(v => TestData.Dot(data.Dy, ConvolutionReference.Forward(v[0], v[1], v.Length > 2 ? v[2] : null, g)), inputs);
    }

    [TestCaseSource(nameof(Cases))]
    public void ForwardMatchesReference(Case c)
    {
        var g = c.Geometry;
        var data = Inputs(c, 11);
        var expected = ConvolutionReference.Forward(data.X, data.W, data.B, g);
        var x = Input(D, c, data);
        var w = Weight(D, c, data);
        var b = data.B is null ? null : Upload(D, data.B, c.Out);
        var y = Convolution.Conv2d(x, w, b, c.Stride, c.Pad);
        Assert.That(y.Shape, Is.EqualTo(new Shape(c.Batch, c.Out, g.OutHeight, g.OutWidth)));
        TestData.AssertClose(y.ToArray(), expected, "planned tiling");
        foreach (var t in Tilings(g.OutChannels, g.Batch * g.OutPlane, g.Patch))
        {
            Convolution.Forward(D, x.View, w.View, b?.View, y.View, g, t);
            TestData.AssertClose(y.ToArray(), expected, $"tiling {t}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(Case c)
    {
        var g = c.Geometry;
        var data = Inputs(c, 21);
        var numeric = NumericGradients(c, data);
        var x = Input(D, c, data);
        var w = Weight(D, c, data);
        var b = data.B is null ? null : Upload(D, data.B, c.Out);
        x.RequiresGrad = w.RequiresGrad = true;
        if (b is not null) b.RequiresGrad = true;
        var dy = Upload(D, data.Dy, c.Batch, c.Out, g.OutHeight, g.OutWidth);
        D.Tape.Backward(Reduction.Sum(Elementwise.Multiply(Convolution.Conv2d(x, w, b, c.Stride, c.Pad), dy)));
        TestData.AssertClose(x.Grad!.ToArray(), numeric[0], "dx", 1e-4, 1e-3);
        TestData.AssertClose(w.Grad!.ToArray(), numeric[1], "dw", 1e-4, 1e-3);
        if (b is not null)
            TestData.AssertClose(b.Grad!.ToArray(), numeric[2], "db", 1e-4, 1e-3);

        var dx = Tensor.Empty(D, x.Shape);
        var dw = Tensor.Empty(D, w.Shape);
        foreach (var t in Tilings(g.InChannels, g.Batch * g.InPlane, g.OutChannels * g.Taps))
        {
            Convolution.BackwardData(D, dy.View, w.View, dx.View, g, accumulate: false, t);
            TestData.AssertClose(dx.ToArray(), numeric[0], $"dx {t}", 1e-4, 1e-3);
        }
        foreach (var t in Tilings(g.OutChannels, g.Patch, g.Batch * g.OutPlane, split: true))
        {
            Convolution.BackwardWeight(D, dy.View, x.View, dw.View, g, accumulate: false, t);
            TestData.AssertClose(dw.ToArray(), numeric[1], $"dw {t}", 1e-4, 1e-3);
        }
    }

    [Test]
    public void ReferenceGradientsMatchFiniteDifferences()
    {
        foreach (var c in new[] { Fixed[1], Fixed[5], Fixed[7] })
        {
            var g = c.Geometry;
            var data = Inputs(c, 31);
            var numeric = NumericGradients(c, data);
            TestData.AssertClose(Array.ConvertAll(ConvolutionReference.BackwardData(data.Dy, data.W, g), v => (float)v), numeric[0], $"dx {c}", 1e-5, 1e-5);
            var gathered = new float[numeric[0].Length];
            for (int i = 0; i < gathered.Length; i++)
                gathered[i] = (float)ConvolutionReference.InputGradientAt(data.Dy, data.W, g, i);
            TestData.AssertClose(gathered, numeric[0], $"dx gathered {c}", 1e-5, 1e-5);
            TestData.AssertClose(Array.ConvertAll(ConvolutionReference.BackwardWeight(data.Dy, data.X, g), v => (float)v), numeric[1], $"dw {c}", 1e-5, 1e-5);
            TestData.AssertClose(Array.ConvertAll(ConvolutionReference.BiasGradient(data.Dy, g), v => (float)v), numeric[2], $"db {c}", 1e-5, 1e-5);
        }
    }

    [Test]
    public void FanOutAccumulatesGradients()
    {
        // x feeds two convolutions; w is applied to x and to z: both gradients take the accumulate = 1 path.
        var c = new Case(2, 3, 6, 5, 4, 3, 1, 1, true);
        var g = c.Geometry;
        var d1 = Inputs(c, 41);
        var d2 = Inputs(c, 51);
        var d3 = Inputs(c, 61);
        var x = Input(D, c, d1);
        var z = Input(D, c, d2);
        var w = Weight(D, c, d1);
        var v = Weight(D, c, d2);
        var b = Upload(D, d1.B!, c.Out);
        x.RequiresGrad = w.RequiresGrad = v.RequiresGrad = b.RequiresGrad = true;
        var loss = Elementwise.Add(
            Elementwise.Add(
                Reduction.Sum(Elementwise.Multiply(Convolution.Conv2d(x, w, b, 1, 1), Upload(D, d1.Dy, 2, 4, 6, 5))),
                Reduction.Sum(Elementwise.Multiply(Convolution.Conv2d(x, v, b, 1, 1), Upload(D, d2.Dy, 2, 4, 6, 5)))),
            Reduction.Sum(Elementwise.Multiply(Convolution.Conv2d(z, w, null, 1, 1), Upload(D, d3.Dy, 2, 4, 6, 5))));
        D.Tape.Backward(loss);

        double Loss(double[][] p) =>
            TestData.Dot(d1.Dy, ConvolutionReference.Forward(p[0], p[1], p[3], g)) +
            TestData.Dot(d2.Dy, ConvolutionReference.Forward(p[0], p[2], p[3], g)) +
            TestData.Dot(d3.Dy, ConvolutionReference.Forward(d2.X, p[1], null, g));
        var numeric = GradCheck.Numeric(Loss, [d1.X, d1.W, d2.W, d1.B!]);
        TestData.AssertClose(x.Grad!.ToArray(), numeric[0], "dx", 1e-4, 1e-3);
        TestData.AssertClose(w.Grad!.ToArray(), numeric[1], "dw", 1e-4, 1e-3);
        TestData.AssertClose(v.Grad!.ToArray(), numeric[2], "dv", 1e-4, 1e-3);
        TestData.AssertClose(b.Grad!.ToArray(), numeric[3], "db", 1e-4, 1e-3);
    }

    [Test]
    public void SplitWeightGradientAccumulatesAndRepeatsBitForBit()
    {
        var c = new Case(3, 4, 9, 9, 5, 3, 1, 1, false);
        var g = c.Geometry;
        var data = Inputs(c, 71);
        var x = Input(D, c, data);
        var dy = Upload(D, data.Dy, c.Batch, c.Out, g.OutHeight, g.OutWidth);
        var prior = TestData.Uniform(72, g.OutChannels * g.Patch);
        var dw = Tensor.FromArray(D, new Shape(g.OutChannels * g.Patch), prior);
        var t = new GemmTiling(g.OutChannels, g.Patch, g.Batch * g.OutPlane, 8, 16, 8, splits: 5);
        Assert.That(t.Splits, Is.EqualTo(5));
        Convolution.BackwardWeight(D, dy.View, x.View, dw.View, g, accumulate: true, t);
        var expected = ConvolutionReference.BackwardWeight(data.Dy, data.X, g);
        for (int i = 0; i < expected.Length; i++) expected[i] += prior[i];
        var first = dw.ToArray();
        TestData.AssertClose(first, expected, "prior + dw");

        dw.CopyFrom(prior);
        Convolution.BackwardWeight(D, dy.View, x.View, dw.View, g, accumulate: true, t);
        Assert.That(dw.ToArray(), Is.EqualTo(first), "a second run is bit-for-bit identical");
    }

    [TestCase(1, true)]
    [TestCase(16, true)]
    [TestCase(1, false)]
    [TestCase(16, false)]
    public void AnyGroupSizeGivesCorrectResults(int groupSize, bool vectorTiles)
    {
        // Production CPU groups have 1 thread and vector tiles; 16 threads on 4- and 8-wide tiles deal chunk rows
        // out between threads the way 256-thread GPU groups do on 64-wide tiles (portable microtiles), or deal
        // out the row quads of the vector product.
        using var device = Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: groupSize, cpuCores: 2, cpuVectorTiles: vectorTiles);
        foreach (var c in new[] { Fixed[1], Fixed[6], Fixed[7] })
        {
            device.Arena.Reset();
            var g = c.Geometry;
            var data = Inputs(c, 81);
            var x = Input(device, c, data);
            var w = Weight(device, c, data);
            var b = Upload(device, data.B ?? new double[c.Out], c.Out);
            var dy = Upload(device, data.Dy, c.Batch, c.Out, g.OutHeight, g.OutWidth);
            var y = Tensor.Empty(device, new Shape(c.Batch, c.Out, g.OutHeight, g.OutWidth));
            var dx = Tensor.Empty(device, x.Shape);
            var dw = Tensor.Empty(device, w.Shape);
            var db = Tensor.Empty(device, b.Shape);
            var expectedY = ConvolutionReference.Forward(data.X, data.W, data.B ?? new double[c.Out], g);
            var expectedDx = ConvolutionReference.BackwardData(data.Dy, data.W, g);
            var expectedDw = ConvolutionReference.BackwardWeight(data.Dy, data.X, g);
            foreach (var t in Tilings(g.OutChannels, g.Batch * g.OutPlane, g.Patch))
            {
                Convolution.Forward(device, x.View, w.View, b.View, y.View, g, t);
                TestData.AssertClose(y.ToArray(), expectedY, $"y {c} {t}");
            }
            foreach (var t in Tilings(g.InChannels, g.Batch * g.InPlane, g.OutChannels * g.Taps))
            {
                Convolution.BackwardData(device, dy.View, w.View, dx.View, g, accumulate: false, t);
                TestData.AssertClose(dx.ToArray(), expectedDx, $"dx {c} {t}");
            }
            foreach (var t in Tilings(g.OutChannels, g.Patch, g.Batch * g.OutPlane, split: true))
            {
                Convolution.BackwardWeight(device, dy.View, x.View, dw.View, g, accumulate: false, t);
                TestData.AssertClose(dw.ToArray(), expectedDw, $"dw {c} {t}");
            }
            GemmLaunch.BiasGradient(device, dy.View, db.View, g.Batch, g.OutChannels, g.OutPlane, accumulate: false);
            TestData.AssertClose(db.ToArray(), ConvolutionReference.BiasGradient(data.Dy, g), $"db {c}");
        }
    }

    [Test]
    public void ModuleFoldsTimeAndBatch()
    {
        var conv = new Conv2d(D, 3, 4, kernelSize: 3, stride: 2, padding: 1, bias: true, rng: new Rng(7));
        Assert.That(conv.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "weight", "bias" }));
        Assert.That(conv.Weight.Shape, Is.EqualTo(new Shape(4, 3, 3, 3)));
        var c = new Case(2 * 3, 3, 7, 8, 4, 3, 2, 1, true);
        var data = Inputs(c, 91);
        var x5 = Upload(D, data.X, 2, 3, 3, 7, 8);
        var y5 = conv.Forward(x5);
        Assert.That(y5.Shape, Is.EqualTo(new Shape(2, 3, 4, 4, 4)));
        var w = TestData.ToDouble(conv.Weight.ToArray());
        var expected = ConvolutionReference.Forward(data.X, w, TestData.ToDouble(conv.Bias!.ToArray()), c.Geometry);
        TestData.AssertClose(y5.ToArray(), expected, "[T, N, C, H, W]");
        var y4 = conv.Forward(Upload(D, data.X, 6, 3, 7, 8));
        Assert.That(y4.Shape, Is.EqualTo(new Shape(6, 4, 4, 4)));
        TestData.AssertClose(y4.ToArray(), expected, "[B, C, H, W]");
        D.Tape.Clear();
    }

    [Test]
    public void ModuleInitialisesKaimingNormalFanOut()
    {
        var conv = new Conv2d(D, 32, 64, rng: new Rng(3));
        Assert.That(conv.Bias, Is.Null);
        Assert.That(conv.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "weight" }));
        var w = conv.Weight.ToArray();
        double mean = w.Average(v => (double)v), std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        Assert.That(mean, Is.EqualTo(0).Within(0.01));
        Assert.That(std, Is.EqualTo(Math.Sqrt(2.0 / (64 * 9))).Within(0.02 * Math.Sqrt(2.0 / (64 * 9))));
        Assert.That(new Conv2d(D, 32, 64, bias: true, rng: new Rng(3)).Bias!.ToArray(), Is.All.EqualTo(0f));
        Assert.Throws<ArgumentNullException>(() => _ = new Conv2d(D, 1, 1));
    }

    [Test]
    public void BadShapesAreRejectedWithTheirShapes()
    {
        var w = Tensor.Zeros(D, new Shape(4, 3, 3, 3));
        var cases = new (Func<Tensor> Run, string Expect)[]
        {
            (() => Convolution.Conv2d(Tensor.Zeros(D, new Shape(2, 5, 8, 8)), w), "[2, 5, 8, 8]"),
            (() => Convolution.Conv2d(Tensor.Zeros(D, new Shape(3, 8, 8)), w), "[3, 8, 8]"),
            (() => Convolution.Conv2d(Tensor.Zeros(D, new Shape(1, 3, 2, 2)), w, padding: 0), "[1, 3, 2, 2]"),
            (() => Convolution.Conv2d(Tensor.Zeros(D, new Shape(1, 3, 8, 8)), w, Tensor.Zeros(D, new Shape(3))), "bias [3]"),
            (() => Convolution.Conv2d(Tensor.Zeros(D, new Shape(1, 3, 8, 8)), w, stride: 0), "stride 0"),
            (() => new Conv2d(D, 3, 4, rng: new Rng(1)).Forward(Tensor.Zeros(D, new Shape(2, 2, 4, 8, 8))), "[2, 2, 4, 8, 8]"),
        };
        foreach (var (run, expect) in cases)
        {
            var e = Assert.Throws<ArgumentException>(() => run());
            Assert.That(e!.Message, Does.Contain("Conv2d").And.Contain(expect));
        }
    }
}
