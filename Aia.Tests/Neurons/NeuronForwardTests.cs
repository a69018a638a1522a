using Aia.Engine.Models;
using Aia.Engine.Autodiff;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Neurons;

/// <summary>Every neuron's fused forward kernel against the plain C# time loop, bit for bit.</summary>
public sealed class NeuronForwardTests
{
    private static Device D => TestDevice.Cpu;

    /// <summary>Odd sizes: T = 1, conv layout with N &gt; 1, linear layout.</summary>
    public static readonly int[][] Shapes = [[1, 3, 5, 7, 3], [4, 2, 3, 5, 7], [6, 3, 11]];

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    [Test]
    public void SpikesMatchThePlainLoop(
        [Values] NeuronKind kind,
        [ValueSource(nameof(Shapes))] int[] shape)
    {
        var input = NeuronCase.Random(kind, new Shape(shape), new NeuronOptions(), 1);
        var (expected, potentials) = input.ReferenceForward();
        var actual = input.Run(D).Spikes;
        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(expected, Has.Some.EqualTo(1f).And.Some.EqualTo(0f), "the case exercises firing and silence");
        Assert.That(Enumerable.Range(0, potentials.Length).Any(k => expected[k] == 1f && k + input.Layout.Neurons < potentials.Length),
            Is.EqualTo(shape[0] > 1), "a spike before the last step exercises the reset");
    }

    [Test]
    public void SmoothModeMatchesThePlainLoop([Values] NeuronKind kind)
    {
        var input = NeuronCase.Random(kind, new Shape(4, 2, 3, 5, 7), new NeuronOptions { SmoothSlope = 4f }, 2);
        var c = GradCheck.Compare(input.Run(D).Spikes, input.ReferenceForward().Spikes, 1e-6, 1e-5);
        Assert.That(c.Passed, c.ToString());
    }

    [Test]
    public void ThresholdAndDecayOptionsReachTheKernel([Values(NeuronKind.Lif, NeuronKind.Aia, NeuronKind.CachedAia)] NeuronKind kind)
    {
        var input = NeuronCase.Random(kind, new Shape(5, 2, 13), new NeuronOptions { Decay = 0.8f, Threshold = 0.7f }, 3);
        Assert.That(input.Run(D).Spikes, Is.EqualTo(input.ReferenceForward().Spikes));
    }

    [Test]
    public void CachedAiaWithBetaOneFiresExactlyLikeLif()
    {
        var lif = NeuronCase.Random(NeuronKind.Lif, new Shape(4, 2, 3, 5, 7), new NeuronOptions(), 4);
        var cached = lif with { Kind = NeuronKind.CachedAia, Parameter = [1f, 1f, 1f] };
        var a = lif.Run(D);
        var b = cached.Run(D);
        Assert.That(b.Spikes, Is.EqualTo(a.Spikes));
        Assert.That(b.InputGradient, Is.EqualTo(a.InputGradient), "dx = 1 * du");
    }

    [Test]
    public void NewCachedAiaStartsAsLifAndToLifKeepsItsOptions()
    {
        var layer = new CachedAiaNeuron(D, 3, new NeuronOptions { Threshold = 0.9f, Surrogate = SurrogateFunction.ATan });
        Assert.That(layer.Beta.ToArray(), Is.All.EqualTo(1f));
        Assert.That(layer.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "beta" }));
        var lif = layer.ToLif();
        Assert.That(lif.Options, Is.EqualTo(layer.Options));
        Assert.That(lif.ParameterCount(), Is.Zero);
        var x = Tensor.FromArray(D, new Shape(3, 2, 3, 2, 2), TestData.Uniform(5, 72, -0.5f, 1.5f));
        using (D.Tape.NoGrad())
            Assert.That(layer.Forward(x).ToArray(), Is.EqualTo(lif.Forward(x).ToArray()));
        layer.Beta.Dispose();
    }

    [Test]
    public void IfIgnoresTheDecayOption()
    {
        var layer = new IfNeuron(new NeuronOptions { Decay = 0.3f });
        Assert.That(layer.Options.Decay, Is.EqualTo(1f));
        var input = NeuronCase.Random(NeuronKind.If, new Shape(5, 2, 7), new NeuronOptions { Decay = 0.3f }, 6);
        var withoutLeak = NeuronCase.Random(NeuronKind.Lif, new Shape(5, 2, 7), new NeuronOptions { Decay = 1f }, 6);
        Assert.That(input.Run(D).Spikes, Is.EqualTo(withoutLeak.ReferenceForward().Spikes));
    }

    [Test]
    public void PlifStartsWithInverseTauOneOverTau0()
    {
        var two = new PlifNeuron(D);
        var three = new PlifNeuron(D, initialTau: 3f);
        Assert.That(two.ReadInverseTau(), Is.EqualTo(0.5f).Within(1e-7));
        Assert.That(three.ReadInverseTau(), Is.EqualTo(1f / 3f).Within(1e-7));
        Assert.That(three.W.ToArray()[0], Is.EqualTo(-MathF.Log(2f)).Within(1e-7), "w = -ln(tau0 - 1), SpikingJelly's init");
        Assert.That(two.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "w" }));
        two.W.Dispose();
        three.W.Dispose();
    }

    [Test]
    public void ForwardWithoutTapeRecordsNothing()
    {
        var x = Tensor.FromArray(D, new Shape(3, 2, 5), TestData.Uniform(7, 30, -0.5f, 1.5f));
        x.RequiresGrad = true;
        using (D.Tape.NoGrad())
        {
            var o = new AiaNeuron().Forward(x);
            Assert.That(o.RequiresGrad, Is.False);
        }
        Assert.That(D.Tape.Count, Is.Zero);
    }
}
