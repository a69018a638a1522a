using Aia.Engine.Models;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Runtime;

/// <summary>Freeing at the last use, rebuilding freed activations, and planning a step without running it.</summary>
public sealed class LivenessTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    [Test]
    public void FreedNeighboursCoalesceAndAreReused()
    {
        var a = D.Arena.AllocateBlock(1 << 20);
        var b = D.Arena.AllocateBlock(1 << 20);
        var c = D.Arena.AllocateBlock(1 << 20);
        long capacity = D.Arena.CapacityBytes;
        a.Free();
        b.Free();
        b.Free(); // a second free is ignored
        Assert.That(D.Arena.UsedBytes, Is.EqualTo(c.Bytes));
        var ab = D.Arena.AllocateBlock(2 << 20);
        Assert.That(D.Arena.CapacityBytes, Is.EqualTo(capacity), "the two freed neighbours hold the new block");
        Assert.That(D.Arena.PeakUsedBytes, Is.EqualTo(3L << 20));
        Assert.That(ab.IsFreed, Is.False);
    }

    [Test]
    public void ATensorUsedAfterItsBlockWasFreedThrows()
    {
        var t = Tensor.Empty(D, new Shape(8));
        t.Block!.Free();
        Assert.Throws<InvalidOperationException>(() => _ = t.View);
    }

    [TestCase("cached-aia")]
    [TestCase("lif")]
    [TestCase("if")]
    [TestCase("plif")]
    [TestCase("aia")]
    public void GradientsAreBitwiseTheSameWhetherActivationsAreFreedAndRebuiltOrKept(string neuron)
    {
        var (net, adam, x, labels) = Small(neuron);
        var kind = NeuronKinds.Parse(neuron);
        long before = FusedNeuronBackward.Launches(D, kind);
        // Through Sequential: spikes, pooled spikes and BN outputs are freed after the forward (spikes written over the BN
        // outputs) and rebuilt in the backward (every neuron reads its input through the BN map in the fused backward).
        var freed = Gradients(net, adam, x, labels, kept: false, out long freedPeak);
        long fused = FusedNeuronBackward.Launches(D, kind) - before;
        // Layer by layer: nothing is released early, every backward reads the forward's own tensors (the plain neuron backward).
        var kept = Gradients(net, adam, x, labels, kept: true, out long keptPeak);
        Assert.That(fused, Is.EqualTo(net.SpikingLayers().Count()), "every neuron of the freed step ran the fused backward");
        Assert.That(FusedNeuronBackward.Launches(D, kind) - before, Is.EqualTo(fused), "the kept step ran the plain backward");
        Assert.That(freed.Keys, Is.EquivalentTo(kept.Keys));
        foreach (var (name, g) in kept)
            Assert.That(freed[name], Is.EqualTo(g), name);
        Assert.That(freedPeak, Is.LessThan(keptPeak), "freeing lowers the step's peak");
        adam.Dispose();
    }

    [Test]
    public void ADryRunPlansExactlyWhatTheRealStepUses()
    {
        // Two models in turn on one device: the second's plan is smaller and of other shapes than the first's, and must still
        // replace the first's layout.
        foreach (var neuron in new[] { "cached-aia", "lif" })
            DryRunThenRealStep(neuron);
    }

    private static void DryRunThenRealStep(string neuron)
    {
        var (net, adam, x, labels) = Small(neuron);
        void Step()
        {
            D.Arena.Reset();
            var input = Tensor.FromArray(D, x.Shape, x.Data);
            var loss = Losses.CrossEntropy(Time.MeanOverTime(net.Forward(input)), D.Arena.Upload<int>(labels));
            adam.ZeroGrad();
            D.Tape.Backward(loss);
            adam.Step();
        }
        Step(); // the persistent gradient buffers exist from here on
        var planned = MemoryBreakdown.DryRun(D, net, adam, Step);
        int allocations = D.Arena.DeviceAllocations;
        long capacity = D.Arena.CapacityBytes;
        Step();
        D.Arena.Reset();
        var measured = MemoryBreakdown.Of(D, net, adam);
        Assert.That(D.Arena.DeviceAllocations, Is.EqualTo(allocations), neuron + ": the real step fits the planned arena");
        Assert.That(D.Arena.CapacityBytes, Is.EqualTo(capacity));
        Assert.That(measured, Is.EqualTo(planned), neuron);
        Assert.That(planned.SavedForBackward, Is.GreaterThan(0));
        Assert.That(planned.StepPeakInUse, Is.GreaterThanOrEqualTo(planned.SavedForBackward));
        adam.Dispose();
    }

    private static (SpikingNetwork Net, Adam Adam, (Shape Shape, float[] Data) X, int[] Labels) Small(string neuron)
    {
        var net = SpikingNetwork.Create(D, ModelSpec.Parse("8,A,16,16,A"), NeuronKinds.Parse(neuron), new NeuronOptions(), 2, 8, 8, 4, seed: 3);
        var adam = new Adam(D, net.NamedParameters(), 1e-3);
        var shape = new Shape(3, 2, 2, 8, 8);
        var data = TestData.Uniform(5, shape.Length, 0f, 1.5f);
        for (int i = 0; i < data.Length; i++) data[i] = data[i] > 0.9f ? 1f : 0f;
        return (net, adam, (shape, data), [1, 3]);
    }

    private static Dictionary<string, float[]> Gradients(SpikingNetwork net, Adam adam, (Shape Shape, float[] Data) x, int[] labels,
        bool kept, out long peak)
    {
        D.Arena.Reset();
        var input = Tensor.FromArray(D, x.Shape, x.Data);
        Tensor logits;
        if (kept)
        {
            var h = input;
            foreach (var (_, layer) in net.Features.Children())
            {
                h = layer.Forward(h);
                h.PinForBackward(); // nothing freed, written over or rebuilt: every backward reads the forward's tensors
            }
            logits = net.Classifier.Forward(Elementwise.Reshape(h, new Shape(h.Shape[0], h.Shape[1], (int)h.Shape.Product(2, h.Shape.Rank))));
        }
        else
        {
            logits = net.Forward(input);
        }
        var loss = Losses.CrossEntropy(Time.MeanOverTime(logits), D.Arena.Upload<int>(labels));
        adam.ZeroGrad();
        D.Tape.Backward(loss);
        var grads = net.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Grad!.ToArray());
        D.Arena.Reset();
        peak = D.Arena.LastStepPeakUsedBytes;
        return grads;
    }
}
