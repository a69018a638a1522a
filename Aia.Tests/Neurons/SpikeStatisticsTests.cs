using Aia.Engine.Models;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Neurons;

/// <summary>The per-layer spike counters against counts of the spikes copied to the host.</summary>
public sealed class SpikeStatisticsTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    private static long[] HostCounts(float[] spikes, int steps)
    {
        var counts = new long[steps];
        int perStep = spikes.Length / steps;
        for (int k = 0; k < spikes.Length; k++)
            counts[k / perStep] += spikes[k] == 1f ? 1 : 0;
        return counts;
    }

    private static float[] Fire(SpikingNeuron layer, Shape shape, int seed)
    {
        using var _ = D.Tape.NoGrad();
        return layer.Forward(Tensor.FromArray(D, shape, TestData.Uniform(seed, shape.Length, -0.5f, 1.5f))).ToArray();
    }

    [Test]
    public void CountsPerStepAccumulateOverForwardPasses()
    {
        var layer = new AiaNeuron();
        var shape = new Shape(5, 3, 4, 7, 9);
        var a = Fire(layer, shape, 41);
        var b = Fire(layer, shape, 42);
        var counts = layer.Statistics.Read();
        var expected = HostCounts(a, 5).Zip(HostCounts(b, 5), (p, q) => p + q).ToArray();
        Assert.That(counts.PerStep, Is.EqualTo(expected));
        Assert.That(counts.NeuronsPerStep, Is.All.EqualTo(2 * 3 * 4 * 7 * 9));
        Assert.That(counts.Total, Is.EqualTo(expected.Sum()));
        Assert.That(counts.FiringRate, Is.EqualTo((double)expected.Sum() / (2 * shape.Length)));
        Assert.That(counts.FiringRateAt(0), Is.EqualTo((double)expected[0] / (2 * 3 * 4 * 7 * 9)));
        Assert.That(counts.Total, Is.GreaterThan(0));
    }

    [Test]
    public void ResetAndDisableStopCounting()
    {
        var layer = new LifNeuron();
        Fire(layer, new Shape(3, 2, 11), 43);
        layer.Statistics.Reset();
        Assert.That(layer.Statistics.Read().Total, Is.Zero);
        Assert.That(layer.Statistics.Read().NeuronSteps, Is.Zero);
        layer.Statistics.Enabled = false;
        Fire(layer, new Shape(3, 2, 11), 44);
        Assert.That(layer.Statistics.Read().Total, Is.Zero);
        layer.Statistics.Enabled = true;
        var spikes = Fire(layer, new Shape(3, 2, 11), 45);
        Assert.That(layer.Statistics.Read().PerStep, Is.EqualTo(HostCounts(spikes, 3)));
    }

    [Test]
    public void MoreTimeStepsKeepTheEarlierCounts()
    {
        var layer = new LifNeuron();
        var a = Fire(layer, new Shape(2, 2, 13), 46);
        var b = Fire(layer, new Shape(4, 2, 13), 47);
        var expected = HostCounts(b, 4);
        var before = HostCounts(a, 2);
        expected[0] += before[0];
        expected[1] += before[1];
        var counts = layer.Statistics.Read();
        Assert.That(counts.PerStep, Is.EqualTo(expected));
        Assert.That(counts.NeuronsPerStep, Is.EqualTo(new long[] { 52, 52, 26, 26 }));
    }

    [Test]
    public void LargeLayersAreCountedExactly()
    {
        // 3 x 1 x 2 x 190 x 190 = 216,600 neurons per step: many chunks per time step.
        var layer = new IfNeuron();
        var spikes = Fire(layer, new Shape(3, 1, 6, 190, 190), 48);
        Assert.That(layer.Statistics.Read().PerStep, Is.EqualTo(HostCounts(spikes, 3)));
    }

    [Test]
    public void AnyGroupSizeCountsExactly([Values(1, 8)] int groupSize, [Values(12, 13)] int features)
    {
        // 3 x 17 x features neurons per step: quads on the CPU for 12 (204 per step), scalars for 13.
        var d = TestDevice.WithGroupSize(groupSize);
        var layer = new LifNeuron();
        var shape = new Shape(3, 17, features);
        float[] spikes;
        using (d.Tape.NoGrad())
            spikes = layer.Forward(Tensor.FromArray(d, shape, TestData.Uniform(50, shape.Length, -0.5f, 1.5f))).ToArray();
        Assert.That(layer.Statistics.Read().PerStep, Is.EqualTo(HostCounts(spikes, 3)));
        Assert.That(spikes, Has.Some.EqualTo(1f));
    }

    [Test]
    public void TrainingStepsAreCountedToo()
    {
        var input = NeuronCase.Random(NeuronKind.CachedAia, new Shape(3, 2, 3, 4, 5), new NeuronOptions(), 49);
        var layer = input.CreateLayer(D);
        var spikes = input.Run(D, layer).Spikes;
        Assert.That(layer.Statistics.Read().PerStep, Is.EqualTo(HostCounts(spikes, 3)));
        layer.NamedParameters().Single().Tensor.Dispose();
    }
}
