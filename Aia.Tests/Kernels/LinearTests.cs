using Aia.Engine.Autodiff;
using Aia.Engine.Nn;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Kernels.Gemm;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

public sealed class LinearTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    /// <summary>A linear layer applied to an input of shape <see cref="Lead"/> + [In].</summary>
    public sealed record Case(int[] Lead, int In, int Out, bool Bias)
    {
        public int Rows => Lead.Aggregate(1, (a, b) => a * b);

        public override string ToString() => $"x[{string.Join(",", Lead)},{In}] w[{Out},{In}]{(Bias ? " bias" : "")}";
    }

    public static IEnumerable<Case> Cases()
    {
        yield return new Case([1], 1, 1, true);
        yield return new Case([3], 5, 7, false);
        yield return new Case([2, 5], 70, 9, true);   // [T, N, F], reduction over two chunks
        yield return new Case([33], 17, 65, true);    // partial tiles both ways
        for (int seed = 1; seed <= 3; seed++)
        {
            var rng = new Rng((ulong)(200 + seed));
            yield return new Case([1 + rng.NextInt(4), 1 + rng.NextInt(9)], 1 + rng.NextInt(80), 1 + rng.NextInt(40), rng.NextInt(2) == 1);
        }
    }

    private static IEnumerable<GemmTiling?> Tilings(int m, int n, int k, bool split = false)
    {
        yield return null;
        yield return new GemmTiling(m, n, k, 4, 4, 4);
        yield return new GemmTiling(m, n, k, 16, 8, 16, split ? 3 : 1);
    }

    private sealed record Data(double[] X, double[] W, double[]? B, double[] Dy);

    private static Data Inputs(Case c, int seed) => new(
        TestData.ToDouble(TestData.Uniform(seed, c.Rows * c.In)),
        TestData.ToDouble(TestData.Uniform(seed + 1, c.Out * c.In)),
        c.Bias ? TestData.ToDouble(TestData.Uniform(seed + 2, c.Out)) : null,
        TestData.ToDouble(TestData.Uniform(seed + 3, c.Rows * c.Out)));

    private static Tensor Upload(double[] data, params int[] shape) =>
        Tensor.FromArray(D, new Shape(shape), Array.ConvertAll(data, v => (float)v));

    [TestCaseSource(nameof(Cases))]
    public void ForwardMatchesReference(Case c)
    {
        var data = Inputs(c, 11);
        var expected = GemmReference.Linear(data.X, data.W, data.B, c.Rows, c.In, c.Out);
        var x = Upload(data.X, [.. c.Lead, c.In]);
        var w = Upload(data.W, c.Out, c.In);
        var b = data.B is null ? null : Upload(data.B, c.Out);
        var y = MatrixProduct.Linear(x, w, b);
        Assert.That(y.Shape, Is.EqualTo(new Shape([.. c.Lead, c.Out])));
        TestData.AssertClose(y.ToArray(), expected, "planned tiling");
        foreach (var t in Tilings(c.Out, c.Rows, c.In, split: true))
        {
            MatrixProduct.Forward(D, x.View, w.View, b?.View, y.View, c.Rows, c.In, c.Out, t);
            TestData.AssertClose(y.ToArray(), expected, $"tiling {t}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(Case c)
    {
        var data = Inputs(c, 21);
        double[][] inputs = data.B is null ? [data.X, data.W] : [data.X, data.W, data.B];
        var numeric = GradCheck.Numeric(v => TestData.Dot(data.Dy, GemmReference.Linear(v[0], v[1], v.Length > 2 ? v[2] : null, c.Rows, c.In, c.Out)), inputs);
        var x = Upload(data.X, [.. c.Lead, c.In]);
        var w = Upload(data.W, c.Out, c.In);
        var b = data.B is null ? null : Upload(data.B, c.Out);
        x.RequiresGrad = w.RequiresGrad = true;
        if (b is not null) b.RequiresGrad = true;
        var dy = Upload(data.Dy, [.. c.Lead, c.Out]);
        D.Tape.Backward(Reduction.Sum(Elementwise.Multiply(MatrixProduct.Linear(x, w, b), dy)));
        TestData.AssertClose(x.Grad!.ToArray(), numeric[0], "dx", 1e-4, 1e-3);
        TestData.AssertClose(w.Grad!.ToArray(), numeric[1], "dw", 1e-4, 1e-3);
        if (b is not null)
            TestData.AssertClose(b.Grad!.ToArray(), numeric[2], "db", 1e-4, 1e-3);

        TestData.AssertClose(Array.ConvertAll(GemmReference.LinearBackwardData(data.Dy, data.W, c.Rows, c.In, c.Out), v => (float)v), numeric[0], "reference dx", 1e-6, 1e-6);
        TestData.AssertClose(Array.ConvertAll(GemmReference.LinearBackwardWeight(data.Dy, data.X, c.Rows, c.In, c.Out), v => (float)v), numeric[1], "reference dw", 1e-6, 1e-6);
        var dx = Tensor.Empty(D, x.Shape);
        var dw = Tensor.Empty(D, w.Shape);
        foreach (var t in Tilings(c.In, c.Rows, c.Out))
        {
            MatrixProduct.BackwardData(D, dy.View, w.View, dx.View, c.Rows, c.In, c.Out, accumulate: false, t);
            TestData.AssertClose(dx.ToArray(), numeric[0], $"dx {t}", 1e-4, 1e-3);
        }
        foreach (var t in Tilings(c.Out, c.In, c.Rows, split: true))
        {
            MatrixProduct.BackwardWeight(D, dy.View, x.View, dw.View, c.Rows, c.In, c.Out, accumulate: false, t);
            TestData.AssertClose(dw.ToArray(), numeric[1], $"dw {t}", 1e-4, 1e-3);
        }
    }

    [Test]
    public void FanOutAccumulatesGradients()
    {
        // x feeds two layers and w is applied twice: every gradient takes the accumulate = 1 path.
        var c = new Case([4, 3], 19, 6, true);
        var d1 = Inputs(c, 31);
        var d2 = Inputs(c, 41);
        var x = Upload(d1.X, 4, 3, 19);
        var w = Upload(d1.W, 6, 19);
        var v = Upload(d2.W, 6, 19);
        var b = Upload(d1.B!, 6);
        x.RequiresGrad = w.RequiresGrad = v.RequiresGrad = b.RequiresGrad = true;
        var loss = Elementwise.Add(
            Elementwise.Add(
                Reduction.Sum(Elementwise.Multiply(MatrixProduct.Linear(x, w, b), Upload(d1.Dy, 4, 3, 6))),
                Reduction.Sum(Elementwise.Multiply(MatrixProduct.Linear(x, v, b), Upload(d2.Dy, 4, 3, 6)))),
            Reduction.Sum(MatrixProduct.Linear(x, w)));
        D.Tape.Backward(loss);

        var ones = Enumerable.Repeat(1.0, c.Rows * c.Out).ToArray();
        double Loss(double[][] p) =>
            TestData.Dot(d1.Dy, GemmReference.Linear(p[0], p[1], p[3], c.Rows, c.In, c.Out)) +
            TestData.Dot(d2.Dy, GemmReference.Linear(p[0], p[2], p[3], c.Rows, c.In, c.Out)) +
            TestData.Dot(ones, GemmReference.Linear(p[0], p[1], null, c.Rows, c.In, c.Out));
        var numeric = GradCheck.Numeric(Loss, [d1.X, d1.W, d2.W, d1.B!]);
        TestData.AssertClose(x.Grad!.ToArray(), numeric[0], "dx", 1e-4, 1e-3);
        TestData.AssertClose(w.Grad!.ToArray(), numeric[1], "dw", 1e-4, 1e-3);
        TestData.AssertClose(v.Grad!.ToArray(), numeric[2], "dv", 1e-4, 1e-3);
        TestData.AssertClose(b.Grad!.ToArray(), numeric[3], "db", 1e-4, 1e-3);
    }

    [Test]
    public void ModuleInitialisesLikePyTorchAndKeepsLeadingAxes()
    {
        var layer = new Linear(D, 64, 10, rng: new Rng(5));
        Assert.That(layer.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "weight", "bias" }));
        Assert.That(layer.Weight.Shape, Is.EqualTo(new Shape(10, 64)));
        float bound = 1f / 8f;
        var w = layer.Weight.ToArray();
        Assert.That(w, Is.All.InRange(-bound, bound));
        Assert.That(w.Max() - w.Min(), Is.GreaterThan(1.8f * bound), "uses the whole range");
        Assert.That(layer.Bias!.ToArray(), Is.All.InRange(-bound, bound));
        Assert.That(new Linear(D, 64, 10, bias: false, rng: new Rng(5)).NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "weight" }));

        var x = Tensor.FromArray(D, new Shape(5, 2, 64), TestData.Uniform(6, 5 * 2 * 64));
        var y = layer.Forward(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(5, 2, 10)));
        var expected = GemmReference.Linear(TestData.ToDouble(x.ToArray()), TestData.ToDouble(w), TestData.ToDouble(layer.Bias.ToArray()), 10, 64, 10);
        TestData.AssertClose(y.ToArray(), expected, "[T, N, F]");
        D.Tape.Clear();
        Assert.Throws<ArgumentNullException>(() => _ = new Linear(D, 4, 2));
    }

    [Test]
    public void BadShapesAreRejectedWithTheirShapes()
    {
        var w = Tensor.Zeros(D, new Shape(4, 6));
        var cases = new (Func<Tensor> Run, string Expect)[]
        {
            (() => MatrixProduct.Linear(Tensor.Zeros(D, new Shape(3, 5)), w), "[3, 5]"),
            (() => MatrixProduct.Linear(Tensor.Zeros(D, new Shape(6)), w), "[6]"),
            (() => MatrixProduct.Linear(Tensor.Zeros(D, new Shape(2, 6)), w, Tensor.Zeros(D, new Shape(6))), "bias [6]"),
            (() => MatrixProduct.Linear(Tensor.Zeros(D, new Shape(2, 6)), Tensor.Zeros(D, new Shape(4, 6, 1))), "[4, 6, 1]"),
        };
        foreach (var (run, expect) in cases)
        {
            var e = Assert.Throws<ArgumentException>(() => run());
            Assert.That(e!.Message, Does.Contain("Linear").And.Contain(expect));
        }
    }
}
