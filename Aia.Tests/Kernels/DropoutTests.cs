using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Tests.Support;
using NUnit.Framework;
using DropoutModule = Aia.Engine.Nn.Dropout;

namespace Aia.Tests.Kernels;

public sealed class DropoutTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    /// <summary>Which elements survived: x is nowhere zero, so y[i] != 0 exactly when i is kept.</summary>
    private static bool[] Kept(float[] y) => Array.ConvertAll(y, v => v != 0f);

    private static float[] NonZero(int seed, int n) => TestData.Uniform(seed, n, 0.5f, 1.5f);

    [Test]
    public void TheMaskIsAFunctionOfSeedAndStep()
    {
        var x = Tensor.FromArray(D, new Shape(4000), NonZero(1, 4000));
        var a = Kept(Regularization.Dropout(x, 0.5f, seed: 7, step: 3).ToArray());
        var again = Kept(Regularization.Dropout(x, 0.5f, seed: 7, step: 3).ToArray());
        var nextStep = Kept(Regularization.Dropout(x, 0.5f, seed: 7, step: 4).ToArray());
        var otherSeed = Kept(Regularization.Dropout(x, 0.5f, seed: 8, step: 3).ToArray());
        Assert.That(again, Is.EqualTo(a));
        // Independent masks agree on about half the elements.
        Assert.That(a.Zip(nextStep).Count(e => e.First == e.Second), Is.InRange(1800, 2200));
        Assert.That(a.Zip(otherSeed).Count(e => e.First == e.Second), Is.InRange(1800, 2200));
    }

    [TestCase(0.1f)]
    [TestCase(0.3f)]
    [TestCase(0.9f)]
    public void TheDropRateIsCloseToPAndKeptValuesAreScaled(float p)
    {
        const int n = 200_000;
        var data = NonZero(2, n);
        var y = Regularization.Dropout(Tensor.FromArray(D, new Shape(n), data), p, seed: 1, step: 0).ToArray();
        int dropped = y.Count(v => v == 0f);
        double sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.That((double)dropped / n, Is.EqualTo(p).Within(5 * sigma));
        float scale = 1f / (1f - p);
        for (int i = 0; i < n; i++)
        {
            if (y[i] != 0f && y[i] != data[i] * scale)
                Assert.Fail($"element {i}: {y[i]} is neither 0 nor x * 1/(1-p) = {data[i] * scale}");
        }
    }

    [Test]
    public void ConsecutiveStepsDrawIndependentMasks()
    {
        const int n = 100_000;
        var x = Tensor.FromArray(D, new Shape(n), NonZero(3, n));
        var a = Kept(Regularization.Dropout(x, 0.3f, seed: 5, step: 10).ToArray());
        var b = Kept(Regularization.Dropout(x, 0.3f, seed: 5, step: 11).ToArray());
        double both = a.Zip(b).Count(e => !e.First && !e.Second) / (double)n;
        Assert.That(both, Is.EqualTo(0.09).Within(5 * Math.Sqrt(0.09 * 0.91 / n)), "dropped in both steps: p^2");
    }

    [TestCase(false, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void TheBackwardUsesTheForwardsMask(bool sharedOverTime, bool fanOut)
    {
        var shape = new Shape(5, 3, 40);
        var data = NonZero(4, (int)shape.Length);
        var x = Tensor.FromArray(D, shape, data);
        x.RequiresGrad = true;
        var y = Regularization.Dropout(x, 0.4f, seed: 9, step: 2, sharedOverTime);
        var r = TestData.Uniform(5, y.Length);
        var q = ProjectedLoss.FanOut(fanOut, 6, x.Length);
        D.Tape.Backward(ProjectedLoss.Device(x, y, r, q));
        var kept = Kept(y.ToArray());
        var dx = x.Grad!.ToArray();
        for (int i = 0; i < dx.Length; i++)
            Assert.That(dx[i], Is.EqualTo((kept[i] ? r[i] / 0.6f : 0f) + (q?[i] ?? 0f)).Within(1e-5), $"element {i}");
    }

    [Test]
    public void ASharedMaskIsTheSameAtEveryTimeStep()
    {
        var shape = new Shape(6, 4, 50);
        var kept = Kept(Regularization.Dropout(Tensor.FromArray(D, shape, NonZero(7, (int)shape.Length)), 0.5f, 3, 0, sharedOverTime: true).ToArray());
        var first = kept[..200];
        Assert.That(first.Count(k => k), Is.InRange(60, 140), "the mask within a step is random");
        for (int t = 1; t < 6; t++)
            Assert.That(kept[(t * 200)..((t + 1) * 200)], Is.EqualTo(first), $"step {t}");
    }

    [Test]
    public void TheModuleIsTheIdentityInEvaluationAndAdvancesItsStepInTraining()
    {
        var x = Tensor.FromArray(D, new Shape(2, 300), NonZero(8, 600));
        var dropout = new DropoutModule(0.5f, seed: 4);
        var first = Kept(dropout.Forward(x).ToArray());
        var second = Kept(dropout.Forward(x).ToArray());
        Assert.That(dropout.Step, Is.EqualTo(2));
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(first, Is.EqualTo(Kept(Regularization.Dropout(x, 0.5f, 4, 0).ToArray())));
        dropout.Eval();
        Assert.That(dropout.Forward(x), Is.SameAs(x));
        Assert.That(dropout.Step, Is.EqualTo(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DropoutModule(1f, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Regularization.Dropout(x, -0.1f, 0, 0));
    }
}
