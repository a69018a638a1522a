using Aia.Engine.Models;
using Aia.Engine.Autodiff;
using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Neurons;

/// <summary>Relations between the neurons, determinism, gradient accumulation and input validation.</summary>
public sealed class NeuronBehaviourTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    [Test]
    public void AiaInputGradientIsInputTimesLifGradientBitwise([Values] bool detachReset, [Values] SurrogateFunction surrogate)
    {
        var lif = NeuronCase.Random(NeuronKind.Lif, new Shape(5, 2, 3, 4, 5), new NeuronOptions { DetachReset = detachReset, Surrogate = surrogate }, 31);
        var aia = lif with { Kind = NeuronKind.Aia };
        var dLif = lif.Run(D).InputGradient;
        var dAia = aia.Run(D).InputGradient;
        var expected = new float[dLif.Length];
        for (int k = 0; k < expected.Length; k++)
            expected[k] = lif.Input[k] * dLif[k];
        Assert.That(dAia, Is.EqualTo(expected));
        Assert.That(dAia, Is.Not.EqualTo(dLif));
    }

    [Test]
    public void RunsAreBitwiseRepeatable([Values] NeuronKind kind)
    {
        var input = NeuronCase.Random(kind, new Shape(4, 3, 5, 6, 7), new NeuronOptions(), 32);
        var a = input.Run(D);
        D.Arena.Reset();
        var b = input.Run(D);
        Assert.That(b.Spikes, Is.EqualTo(a.Spikes));
        Assert.That(b.InputGradient, Is.EqualTo(a.InputGradient));
        Assert.That(b.ParameterGradient, Is.EqualTo(a.ParameterGradient));
    }

    [Test]
    public void InputGradientAccumulatesWithOtherConsumers([Values] NeuronKind kind, [Values] bool neuronRecordedFirst)
    {
        // L = sum(g * neuron(x)) + sum(h * 3x): x.Grad = dx(neuron) + 3h, whichever backward writes first.
        var input = NeuronCase.Random(kind, new Shape(3, 2, 3, 4, 5), new NeuronOptions(), 33);
        var h = TestData.Uniform(34, input.Input.Length);
        var layer = input.CreateLayer(D);
        var x = Tensor.FromArray(D, input.Shape, input.Input);
        x.RequiresGrad = true;
        Tensor Spiking() => Reduction.Sum(Elementwise.Multiply(layer.Forward(x), Tensor.FromArray(D, input.Shape, input.Upstream)));
        Tensor Linear() => Reduction.Sum(Elementwise.Multiply(Elementwise.Scale(x, 3f), Tensor.FromArray(D, input.Shape, h)));
        var loss = neuronRecordedFirst ? Elementwise.Add(Spiking(), Linear()) : Elementwise.Add(Linear(), Spiking());
        D.Tape.Backward(loss);

        var expected = input.ReferenceBackward().Input;
        for (int k = 0; k < expected.Length; k++)
            expected[k] += 3.0 * h[k];
        var c = GradCheck.Compare(x.Grad!.ToArray(), expected, 1e-6, 1e-5);
        Assert.That(c.Passed, c.ToString());
        DisposeParameters(layer);
    }

    [Test]
    public void ParameterGradientAccumulatesOverTwoUses([Values(NeuronKind.Plif, NeuronKind.CachedAia)] NeuronKind kind)
    {
        var first = NeuronCase.Random(kind, new Shape(3, 2, 4, 3, 3), new NeuronOptions(), 35);
        var second = NeuronCase.Random(kind, first.Shape, first.Options, 36) with { Parameter = first.Parameter };
        var layer = first.CreateLayer(D);
        var parameter = layer.NamedParameters().Single().Tensor;
        Tensor Loss(NeuronCase c)
        {
            var x = Tensor.FromArray(D, c.Shape, c.Input);
            x.RequiresGrad = true;
            return Reduction.Sum(Elementwise.Multiply(layer.Forward(x), Tensor.FromArray(D, c.Shape, c.Upstream)));
        }
        D.Tape.Backward(Elementwise.Add(Loss(first), Loss(second)));

        var a = first.ReferenceParameterGradient(first.ReferenceBackward());
        var b = second.ReferenceParameterGradient(second.ReferenceBackward());
        var c = GradCheck.Compare(parameter.Grad!.ToArray(), a.Zip(b, (p, q) => p + q).ToArray(), 1e-5, 1e-5);
        Assert.That(c.Passed, c.ToString());
        DisposeParameters(layer);
    }

    [Test]
    public void ParameterGradientWithoutInputGradient([Values(NeuronKind.Plif, NeuronKind.CachedAia)] NeuronKind kind)
    {
        var input = NeuronCase.Random(kind, new Shape(3, 2, 4, 3, 3), new NeuronOptions(), 37);
        var layer = input.CreateLayer(D);
        var x = Tensor.FromArray(D, input.Shape, input.Input);
        D.Tape.Backward(Elementwise.Multiply(layer.Forward(x), Tensor.FromArray(D, input.Shape, input.Upstream)));
        Assert.That(x.Grad, Is.Null);
        var c = GradCheck.Compare(layer.NamedParameters().Single().Tensor.Grad!.ToArray(),
            input.ReferenceParameterGradient(input.ReferenceBackward()), 1e-5, 1e-5);
        Assert.That(c.Passed, c.ToString());
        DisposeParameters(layer);
    }

    [Test]
    public void BadInputIsNamed()
    {
        var rank4 = Tensor.Zeros(D, new Shape(2, 3, 4, 5));
        var e = Assert.Throws<ArgumentException>(() => new LifNeuron().Forward(rank4))!;
        Assert.That(e.Message, Does.Contain("Spiking.Lif").And.Contain("[2, 3, 4, 5]"));

        var cached = new CachedAiaNeuron(D, 4);
        e = Assert.Throws<ArgumentException>(() => cached.Forward(Tensor.Zeros(D, new Shape(2, 1, 3, 2, 2))))!;
        Assert.That(e.Message, Does.Contain("beta has 4 values").And.Contain("3 channels"));
        cached.Beta.Dispose();

        using var w = Tensor.Persistent(D, new Shape(2), "w");
        e = Assert.Throws<ArgumentException>(() => Aia.Engine.Ops.Spiking.Plif(Tensor.Zeros(D, new Shape(2, 1, 3)), w, new NeuronOptions()))!;
        Assert.That(e.Message, Does.Contain("w must have one element"));

        Assert.That(Assert.Throws<ArgumentException>(() => new LifNeuron(new NeuronOptions { Decay = 1.5f }))!.Message, Does.Contain("Decay"));
        Assert.That(Assert.Throws<ArgumentException>(() => new AiaNeuron(new NeuronOptions { Threshold = 0f }))!.Message, Does.Contain("Threshold"));
        Assert.That(Assert.Throws<ArgumentException>(() => new LifNeuron(new NeuronOptions { Alpha = -1f }))!.Message, Does.Contain("Alpha"));
        Assert.That(Assert.Throws<ArgumentException>(() => new LifNeuron(new NeuronOptions { SmoothSlope = -1f }))!.Message, Does.Contain("SmoothSlope"));
        Assert.That(Assert.Throws<ArgumentException>(() => new PlifNeuron(D, initialTau: 1f))!.Message, Does.Contain("initialTau"));
    }

    private static void DisposeParameters(Module layer)
    {
        foreach (var (_, p) in layer.NamedParameters())
            p.Dispose();
    }
}
