using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Optim;

public sealed class GradientClippingTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    private static Tensor Parameter(string name, Shape shape, int seed)
    {
        var t = Tensor.Persistent(D, shape, name);
        t.CopyFrom(TestData.Uniform(seed, shape.Length));
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Gives each parameter the gradient scale * g_i (loss = sum_i sum(p_i * g_i) * scale).</summary>
    private static void Backward(Tensor[] parameters, float[][] grads)
    {
        Tensor? loss = null;
        for (int i = 0; i < parameters.Length; i++)
        {
            var term = Reduction.Sum(Elementwise.Multiply(parameters[i], Tensor.FromArray(D, parameters[i].Shape, grads[i])));
            loss = loss is null ? term : Elementwise.Add(loss, term);
        }
        D.Tape.Backward(loss!);
    }

    [TestCase(0.5f)]
    [TestCase(1000f)]
    public void SgdStepsWithTheGradientsScaledByMinOfOneAndMaxNormOverTheGlobalNorm(float maxNorm)
    {
        // Sizes past one group's work, so the norm is reduced from several partials per tensor.
        Shape[] shapes = [new(31, 17), new(5), new(1000)];
        var parameters = shapes.Select((s, i) => Parameter("p" + i, s, 10 + i)).ToArray();
        var before = parameters.Select(p => p.ToArray()).ToArray();
        var grads = shapes.Select((s, i) => TestData.Uniform(20 + i, s.Length, -3f, 3f)).ToArray();
        using var clipping = new GradientClipping(D, maxNorm);
        using var sgd = new Sgd(D, parameters.Select(p => (p.Name!, p)), 0.1) { Clipping = clipping };
        Backward(parameters, grads);
        sgd.Step();

        var (norm, scale) = OptimizerReference.ClipByGlobalNorm(grads.Select(TestData.ToDouble), maxNorm);
        Assert.That(clipping.Norm.ToArray()[0], Is.EqualTo(norm).Within(1e-5 * norm));
        Assert.That(clipping.Scale.ToArray()[0], Is.EqualTo(scale).Within(1e-6));
        Assert.That(scale, maxNorm < 1 ? Is.LessThan(0.1) : Is.EqualTo(1.0), "the cases cover clipping and no clipping");
        for (int i = 0; i < parameters.Length; i++)
        {
            var expected = before[i].Select((p, j) => p - 0.1 * scale * grads[i][j]).ToArray();
            var c = Aia.Engine.Autodiff.GradCheck.Compare(parameters[i].ToArray(), expected, 1e-6, 1e-5);
            Assert.That(c.Passed, $"{parameters[i].Name}: {c}");
            Assert.That(parameters[i].Grad!.ToArray(), Is.EqualTo(grads[i]), "the gradients themselves are not modified");
            parameters[i].Dispose();
        }
    }

    [Test]
    public void ParametersWithoutAGradientThisStepAreLeftOutOfTheNorm()
    {
        var a = Parameter("a", new Shape(9), 1);
        var b = Parameter("b", new Shape(4), 2);
        var ga = TestData.Uniform(3, 9);
        using var clipping = new GradientClipping(D, 1f);
        Backward([b], [TestData.Uniform(4, 4, 10f, 20f)]);
        b.ZeroGrad(); // b keeps its gradient buffer, with a stale gradient in it
        Backward([a], [ga]);
        clipping.Compute([a, b]);
        double expected = OptimizerReference.ClipByGlobalNorm([TestData.ToDouble(ga)], 1).Norm;
        Assert.That(clipping.Norm.ToArray()[0], Is.EqualTo(expected).Within(1e-5));
        a.ZeroGrad();
        clipping.Compute([a, b]);
        Assert.That(clipping.Norm.ToArray()[0], Is.EqualTo(0f));
        Assert.That(clipping.Scale.ToArray()[0], Is.EqualTo(1f));
        a.Dispose();
        b.Dispose();
    }
}
