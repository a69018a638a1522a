using Aia.Engine.Autodiff;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Autodiff;

public sealed class TapeTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    // L = sum(c * c) / n with a = tanh(x), b = a * x, c = reshape(b + a) * 0.5 + x.
    // x feeds four consumers and a two: every fan-out path must accumulate.
    private static Tensor Graph(Tensor x, Shape shape)
    {
        var a = Elementwise.Tanh(x);
        var b = Elementwise.Multiply(a, x);
        var c = Elementwise.Add(Elementwise.Scale(Elementwise.Reshape(Elementwise.Add(b, a), new Shape((int)x.Length)), 0.5f),
            Elementwise.Reshape(x, new Shape((int)x.Length)));
        return Reduction.Mean(Elementwise.Multiply(c, c));
    }

    private static double Reference(double[] x)
    {
        double s = 0;
        foreach (var v in x)
        {
            double a = Math.Tanh(v), c = 0.5 * (a * v + a) + v;
            s += c * c;
        }
        return s / x.Length;
    }

    [Test]
    public void CompositeGraphWithFanOutMatchesFiniteDifferences()
    {
        var shape = new Shape(3, 7);
        var data = TestData.Uniform(5, shape.Length, -2f, 2f);
        var x = Tensor.FromArray(D, shape, data);
        x.RequiresGrad = true;
        var loss = Graph(x, shape);
        D.Tape.Backward(loss);
        var analytic = x.Grad!.ToArray();

        var fdDouble = GradCheck.Numeric(v => Reference(v[0]), [TestData.ToDouble(data)])[0];
        var c1 = GradCheck.Compare(analytic, fdDouble, 1e-5, 1e-4);
        Assert.That(c1.Passed, c1.ToString());

        // The same check against finite differences of the device graph itself.
        var fdFloat = GradCheck.Numeric(v =>
        {
            using var _ = D.Tape.NoGrad();
            return Graph(Tensor.FromArray(D, shape, v), shape).ToArray()[0];
        }, (float[])data.Clone(), 1e-2f);
        var c2 = GradCheck.Compare(analytic, fdFloat, 2e-4, 2e-2);
        Assert.That(c2.Passed, c2.ToString());
        Assert.That(D.Tape.Count, Is.Zero, "backward clears the tape");
    }

    [Test]
    public void SameTensorTwiceInOneOpAccumulates()
    {
        var data = TestData.Uniform(6, 10);
        var x = Tensor.FromArray(D, new Shape(10), data);
        x.RequiresGrad = true;
        D.Tape.Backward(Reduction.Sum(Elementwise.Multiply(x, x)));
        var g = x.Grad!.ToArray();
        for (int i = 0; i < 10; i++)
            Assert.That(g[i], Is.EqualTo(2 * data[i]).Within(1e-6));
    }

    [Test]
    public void ParameterGradientsAccumulateAcrossBackwardsUntilZeroed()
    {
        using var w = Tensor.Persistent(D, new Shape(4), "w");
        w.CopyFrom([1f, 2f, 3f, 4f]);
        w.RequiresGrad = true;
        for (int k = 0; k < 2; k++)
            D.Tape.Backward(Reduction.Sum(Elementwise.Scale(w, 3f)));
        Assert.That(w.Grad!.ToArray(), Is.All.EqualTo(6f));
        w.ZeroGrad();
        D.Tape.Backward(Reduction.Sum(Elementwise.Scale(w, 3f)));
        Assert.That(w.Grad!.ToArray(), Is.All.EqualTo(3f));
    }

    [Test]
    public void NoGradRecordsNothing()
    {
        var x = Tensor.FromArray(D, new Shape(3), [1f, 2f, 3f]);
        x.RequiresGrad = true;
        using (D.Tape.NoGrad())
        {
            var y = Elementwise.Tanh(x);
            Assert.That(y.RequiresGrad, Is.False);
        }
        Assert.That(D.Tape.Count, Is.Zero);
        Assert.That(Elementwise.Tanh(x).RequiresGrad, Is.True);
        D.Tape.Clear();
    }

    [Test]
    public void BackwardOfAConstantLossIsAnError()
    {
        var x = Tensor.FromArray(D, new Shape(3), [1f, 2f, 3f]);
        Assert.Throws<InvalidOperationException>(() => D.Tape.Backward(Reduction.Sum(x)));
    }
}
