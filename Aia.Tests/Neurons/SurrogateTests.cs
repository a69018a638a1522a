using Aia.Engine.Nn.Neurons;
using Aia.Engine.Verification.References;
using Aia.Kernels;
using NUnit.Framework;

namespace Aia.Tests.Neurons;

/// <summary>The device surrogates against their formulas (the kernels use them through the backward tests).</summary>
public sealed class SurrogateTests
{
    [Test]
    public void DefaultsAreThePapersAndTheLiteraturesOnes()
    {
        Assert.That(new NeuronOptions().ResolvedAlpha, Is.EqualTo(1f));
        Assert.That(new NeuronOptions { Surrogate = SurrogateFunction.Triangle }.ResolvedAlpha, Is.EqualTo(1f));
        Assert.That(new NeuronOptions { Surrogate = SurrogateFunction.ATan }.ResolvedAlpha, Is.EqualTo(2f));
        Assert.That(new NeuronOptions { Surrogate = SurrogateFunction.Sigmoid }.ResolvedAlpha, Is.EqualTo(4f));
        var o = new NeuronOptions();
        Assert.That((o.Decay, o.Threshold, o.Surrogate, o.DetachReset), Is.EqualTo((0.5f, 1f, SurrogateFunction.Rectangular, false)));
    }

    [Test]
    public void KnownValues()
    {
        Assert.That(Surrogate.Derivative(Surrogate.Rectangular, 0.49f, 1f), Is.EqualTo(1f));
        Assert.That(Surrogate.Derivative(Surrogate.Rectangular, -0.5f, 1f), Is.EqualTo(0f));
        Assert.That(Surrogate.Derivative(Surrogate.Rectangular, 0.9f, 2f), Is.EqualTo(0.5f));
        Assert.That(Surrogate.Derivative(Surrogate.Triangle, 0.25f, 1f), Is.EqualTo(0.75f));
        Assert.That(Surrogate.Derivative(Surrogate.Triangle, -1.5f, 1f), Is.EqualTo(0f));
        Assert.That(Surrogate.Derivative(Surrogate.ATan, 0f, 2f), Is.EqualTo(1f));
        Assert.That(Surrogate.Derivative(Surrogate.Sigmoid, 0f, 4f), Is.EqualTo(1f));
    }

    [Test]
    public void MatchesTheDoubleFormulasAndIntegratesToOne([Values] SurrogateFunction f, [Values(0.5f, 1f, 3f)] float alpha)
    {
        double area = 0, step = 1.0 / 1024;
        for (int i = -200 * 1024; i < 200 * 1024; i++)
        {
            double x = (i + 0.5) * step;
            double expected = NeuronReference.SurrogateDerivative(f, x, alpha);
            if (Math.Abs(x) < 5)
                Assert.That(Surrogate.Derivative((int)f, (float)x, alpha), Is.EqualTo(expected).Within(1e-5 + 1e-5 * expected), $"x = {x}");
            area += expected * step;
        }
        // Midpoints, exact in float. ATan's tails decay like 1/x^2: the area beyond |x| = 200 is about 4 / (pi^2 alpha 200).
        Assert.That(area, Is.EqualTo(1.0).Within(f == SurrogateFunction.ATan ? 0.01 : 1e-3));
    }
}
