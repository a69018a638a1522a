using Aia.Engine.Autodiff;
using Aia.Engine.Models;
using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Autodiff;

/// <summary><c>--memory low</c>: segment checkpointing gives the default mode's step bit for bit, in less memory.</summary>
public sealed class SegmentCheckpointTests
{
    private const string Spec = "8,A,16,D0.25,16,M,12,A";

    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    [Test]
    public void SegmentsEndAfterEveryNeuronAndTheTailIsOneMore()
    {
        var net = Network("lif", MemoryMode.Low);
        var layers = net.Features.Layers;
        var segments = SegmentCheckpoint.Segments(layers);
        Assert.That(segments, Is.EqualTo(new[] { (0, 2), (2, 5), (5, 8), (8, 11), (11, 12) }));
        foreach (var (_, end) in segments.SkipLast(1))
            Assert.That(layers[end - 1], Is.InstanceOf<SpikingNeuron>());
    }

    [TestCase("cached-aia")]
    [TestCase("lif")]
    [TestCase("if")]
    [TestCase("plif")]
    [TestCase("aia")]
    public void LowMemoryGivesTheDefaultStepBitForBit(string neuron)
    {
        var (x, labels) = Batch();
        var kind = NeuronKinds.Parse(neuron);
        var standard = Network(neuron, MemoryMode.Default);
        int neurons = standard.SpikingLayers().Count();
        long start = FusedNeuronBackward.Launches(D, kind);
        var reference = Step(standard, x, labels);
        long middle = FusedNeuronBackward.Launches(D, kind);
        var low = Step(Network(neuron, MemoryMode.Low), x, labels);
        // Both modes run every neuron's fused backward (batch-norm read, tile-wise rerun), in each of the two steps.
        Assert.That(middle - start, Is.EqualTo(2 * neurons), "fused neuron backwards, default mode");
        Assert.That(FusedNeuronBackward.Launches(D, kind) - middle, Is.EqualTo(2 * neurons), "fused neuron backwards, --memory low");
        Assert.That(low.Keys, Is.EquivalentTo(reference.Keys));
        foreach (var (name, values) in reference)
            Assert.That(low[name], Is.EqualTo(values), name);
    }

    [TestCase("cached-aia")]
    [TestCase("lif")]
    [TestCase("plif")]
    public void LowMemoryPlansLessAtThePapersScale(string neuron)
    {
        // VGGSNN, T 10, batch 32, 64x64 planned without a kernel (about a second). IF and AIA take LIF's path.
        var net = SpikingNetwork.Create(D, ModelSpec.Parse("vggsnn"), NeuronKinds.Parse(neuron), new NeuronOptions(), 2, 64, 64, 10, seed: 0);
        using var adam = new Adam(D, net.NamedParameters(), 1e-3);
        var shape = new Shape(10, 32, 2, 64, 64);
        var labels = new int[32];
        MemoryBreakdown Plan(MemoryMode memory)
        {
            net.Memory = memory;
            return MemoryBreakdown.DryRun(D, net, adam, () =>
            {
                D.Arena.Reset();
                var loss = Losses.CrossEntropy(Time.MeanOverTime(net.Forward(Tensor.Empty(D, shape))), D.Arena.Upload<int>(labels));
                adam.ZeroGrad();
                D.Tape.Backward(loss);
                adam.Step();
            });
        }
        // This network's device memory (the shared test device also holds other tests' tensors).
        static double MiB(MemoryBreakdown b) => (b.Parameters + b.Gradients + b.OptimizerState + b.Buffers + b.StepPeakInUse) / 1048576.0;
        var (standard, low) = (Plan(MemoryMode.Default), Plan(MemoryMode.Low));
        TestContext.Out.WriteLine($"planned: default {MiB(standard):F1} MiB, low {MiB(low):F1} MiB");
        Assert.That(MiB(low), Is.LessThanOrEqualTo(1536), "the issue's target: at most 1.5 GiB with --memory low");
        Assert.That(MiB(standard), Is.LessThanOrEqualTo(2560), "the issue's target: at most 2.5 GiB by default");
        Assert.That(MiB(low), Is.LessThan(MiB(standard)));
        foreach (var (_, p) in net.NamedParameters()) p.Dispose();
    }

    [Test]
    public void ADryRunPlansExactlyWhatALowMemoryStepUses()
    {
        var net = Network("cached-aia", MemoryMode.Low);
        using var adam = new Adam(D, net.NamedParameters(), 1e-3);
        var (x, labels) = Batch();
        void Run()
        {
            D.Arena.Reset();
            var loss = Losses.CrossEntropy(Time.MeanOverTime(net.Forward(Tensor.FromArray(D, x.Shape, x.Data))), D.Arena.Upload<int>(labels));
            adam.ZeroGrad();
            D.Tape.Backward(loss);
            adam.Step();
        }
        Run();
        var planned = MemoryBreakdown.DryRun(D, net, adam, Run);
        int allocations = D.Arena.DeviceAllocations;
        Run();
        D.Arena.Reset();
        var measured = MemoryBreakdown.Of(D, net, adam);
        Assert.That(D.Arena.DeviceAllocations, Is.EqualTo(allocations), "the real step fits the planned arena");
        Assert.That(measured, Is.EqualTo(planned));
    }

    private static SpikingNetwork Network(string neuron, MemoryMode memory)
    {
        var net = SpikingNetwork.Create(D, ModelSpec.Parse(Spec), NeuronKinds.Parse(neuron), new NeuronOptions(), 2, 12, 12, 4, seed: 7);
        net.Memory = memory;
        return net;
    }

    private static ((Shape Shape, float[] Data) X, int[] Labels) Batch()
    {
        var shape = new Shape(4, 2, 2, 12, 12);
        var data = TestData.Uniform(11, shape.Length, 0f, 1f);
        for (int i = 0; i < data.Length; i++) data[i] = data[i] > 0.7f ? 1f : 0f;
        return ((shape, data), [2, 0]);
    }

    /// <summary>Two training steps (Adam in between, so the second runs on updated weights); every gradient, parameter, buffer, spike count and dropout step after them.</summary>
    private static Dictionary<string, float[]> Step(SpikingNetwork net, (Shape Shape, float[] Data) x, int[] labels)
    {
        using var adam = new Adam(D, net.NamedParameters(), 1e-2);
        var result = new Dictionary<string, float[]>();
        for (int step = 0; step < 2; step++)
        {
            D.Arena.Reset();
            var logits = net.Forward(Tensor.FromArray(D, x.Shape, x.Data));
            var loss = Losses.CrossEntropy(Time.MeanOverTime(logits), D.Arena.Upload<int>(labels));
            result[$"loss{step}"] = loss.ToArray();
            adam.ZeroGrad();
            D.Tape.Backward(loss);
            foreach (var (name, p) in net.NamedParameters())
                result[$"{name}.grad{step}"] = p.Grad!.ToArray();
            adam.Step();
        }
        foreach (var (name, t) in net.StateDict())
            result[name] = t.ToArray();
        foreach (var (name, n) in net.SpikingLayers())
            result[name + ".spikes"] = [n.Statistics.Read().Total];
        foreach (var (name, m) in net.Modules())
            if (m is Dropout dropout) result[name + ".step"] = [dropout.Step];
        foreach (var (_, p) in net.NamedParameters()) p.Dispose();
        return result;
    }
}
