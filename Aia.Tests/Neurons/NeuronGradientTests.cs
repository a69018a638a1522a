using Aia.Engine.Models;
using Aia.Engine.Autodiff;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Neurons;

/// <summary>
/// The fused BPTT kernels. With the smooth stand-in for H the whole recurrence, reset path included, is checked
/// against central differences of the double-precision forward pass; with H itself, against the hand-written
/// double-precision BPTT for every surrogate, with and without a detached reset.
/// </summary>
public sealed class NeuronGradientTests
{
    private static Device D => TestDevice.Cpu;

    public static readonly int[][] Shapes = [[4, 2, 3, 5, 7], [6, 3, 11]];

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    [Test]
    public void SmoothBackwardMatchesFiniteDifferences(
        [Values] NeuronKind kind,
        [Values] bool detachReset,
        [ValueSource(nameof(Shapes))] int[] shape)
    {
        var options = new NeuronOptions { SmoothSlope = 4f, DetachReset = detachReset };
        var input = NeuronCase.Random(kind, new Shape(shape), options, 21);
        var result = input.Run(D);
        var (dx, dParameter) = input.NumericGradients(frozenReset: detachReset);

        var c = GradCheck.Compare(result.InputGradient, dx, 2e-6, 1e-4);
        Assert.That(c.Passed, "dx: " + c);
        var p = GradCheck.Compare(result.ParameterGradient, dParameter, 2e-5, 1e-4);
        Assert.That(p.Passed, "parameter: " + p);
        Assert.That(dx.Max(Math.Abs), Is.GreaterThan(0.05), "the gradient is not trivially zero");
    }

    [Test]
    public void DetachingTheResetChangesTheGradient()
    {
        var attached = NeuronCase.Random(NeuronKind.Lif, new Shape(4, 2, 3, 5, 7), new NeuronOptions { SmoothSlope = 4f }, 22);
        var detached = attached with { Options = attached.Options with { DetachReset = true } };
        var a = attached.Run(D).InputGradient;
        var b = detached.Run(D).InputGradient;
        Assert.That(Enumerable.Range(0, a.Length).Max(k => Math.Abs(a[k] - b[k])), Is.GreaterThan(1e-2));
    }

    [Test]
    public void HeavisideBackwardMatchesTheReferenceBptt(
        [Values] SurrogateFunction surrogate,
        [Values] bool detachReset,
        [Values] NeuronKind kind)
    {
        var options = new NeuronOptions { Surrogate = surrogate, DetachReset = detachReset };
        var input = NeuronCase.Random(kind, new Shape(5, 2, 3, 4, 5), options, 23);
        var result = input.Run(D);
        var expected = input.ReferenceBackward();

        var c = GradCheck.Compare(result.InputGradient, expected.Input, 1e-6, 1e-5);
        Assert.That(c.Passed, "dx: " + c);
        var p = GradCheck.Compare(result.ParameterGradient, input.ReferenceParameterGradient(expected), 1e-5, 1e-5);
        Assert.That(p.Passed, "parameter: " + p);
        Assert.That(expected.Input.Count(v => v != 0), Is.GreaterThan(expected.Input.Length / 10), "the surrogate lets gradient through");
    }

    [Test]
    public void SurrogateWidthReachesTheKernel([Values(SurrogateFunction.Rectangular, SurrogateFunction.Triangle)] SurrogateFunction surrogate)
    {
        var input = NeuronCase.Random(NeuronKind.Lif, new Shape(5, 2, 17), new NeuronOptions { Surrogate = surrogate, Alpha = 2.5f }, 24);
        var c = GradCheck.Compare(input.Run(D).InputGradient, input.ReferenceBackward().Input, 1e-6, 1e-5);
        Assert.That(c.Passed, c.ToString());
    }

    [Test]
    public void ManyChunksPerChannelReduceCorrectly([Values(NeuronKind.Plif, NeuronKind.CachedAia)] NeuronKind kind)
    {
        // 2 x 150 x 150 positions per channel: more than the chunk limit, not a multiple of the group size.
        var input = NeuronCase.Random(kind, new Shape(3, 2, 2, 150, 150), new NeuronOptions(), 25);
        var result = input.Run(D);
        var expected = input.ReferenceBackward();
        var c = GradCheck.Compare(result.InputGradient, expected.Input, 1e-6, 1e-5);
        Assert.That(c.Passed, "dx: " + c);
        var p = GradCheck.Compare(result.ParameterGradient, input.ReferenceParameterGradient(expected), 1e-4, 1e-5);
        Assert.That(p.Passed, "parameter: " + p);
    }
}
