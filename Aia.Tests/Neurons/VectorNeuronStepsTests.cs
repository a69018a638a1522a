using Aia.Engine.Models;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Kernels.Neurons;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Neurons;

/// <summary>
/// The CPU accelerator's vector neuron loops (<see cref="VectorNeuronSteps"/>) against the plain ones
/// (<see cref="PlainNeuronSteps"/>), bit for bit: a training step of a small network on two CPU devices that differ only
/// in whether the vector code runs (groups of one thread, as in production), for every neuron kind, surrogate and reset
/// mode; its first conv block has 100 positions per channel (quads, not multiples of 8), the second 25 (no quads: the
/// vector steps fall back to the plain loops). And the kernels themselves, both instantiations on the same device.
/// </summary>
public sealed class VectorNeuronStepsTests
{
    private static Device? vector, plain;

    private static Device Vector => vector ??= Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: 1, cpuCores: 2);

    private static Device Plain => plain ??= Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: 1, cpuCores: 2, cpuVectorTiles: false);

    [OneTimeTearDown]
    public void DisposeDevices()
    {
        vector?.Dispose();
        plain?.Dispose();
        vector = plain = null;
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var neuron in new[] { "lif", "if", "plif", "aia", "cached-aia" })
            foreach (bool detach in new[] { false, true })
                yield return Case(neuron, SurrogateFunction.Rectangular, detach);
        foreach (var neuron in new[] { "lif", "cached-aia" })
            foreach (var surrogate in new[] { SurrogateFunction.Triangle, SurrogateFunction.ATan, SurrogateFunction.Sigmoid })
                yield return Case(neuron, surrogate, detach: false);
    }

    private static TestCaseData Case(string neuron, SurrogateFunction surrogate, bool detach) =>
        new TestCaseData(neuron, surrogate, detach).SetArgDisplayNames(neuron, surrogate.ToString(), detach ? "detached" : "reset");

    [TestCaseSource(nameof(Cases))]
    public void ATrainingStepIsThePlainOneBitForBit(string neuron, SurrogateFunction surrogate, bool detach)
    {
        Assume.That(Vector.VectorTiles, "this CPU has no 256-bit vectors: the engine does not run its vector code here");
        Assert.That(Plain.VectorTiles, Is.False);
        var options = new NeuronOptions { Surrogate = surrogate, DetachReset = detach, Threshold = 0.6f, Decay = 0.7f };
        var (lossV, gradsV) = Step(Vector, neuron, options);
        var (lossP, gradsP) = Step(Plain, neuron, options);
        var (lossV2, _) = Step(Vector, neuron, options);
        var (lossP2, _) = Step(Plain, neuron, options);
        // Each device repeats itself first: a difference between the two is then the vector code's, not a run's.
        Assert.That(lossV2, Is.EqualTo(lossV), "the vector device's loss, run again");
        Assert.That(lossP2, Is.EqualTo(lossP), "the plain device's loss, run again");
        Assert.That(lossV, Is.EqualTo(lossP), "loss");
        Assert.That(gradsV.Keys, Is.EquivalentTo(gradsP.Keys));
        foreach (var (name, g) in gradsP)
        {
            Assert.That(gradsV[name], Is.EqualTo(g), name);
            if (name.StartsWith("features.0", StringComparison.Ordinal))
                Assert.That(g.Any(v => v != 0f), $"{name}: the gradient reaches the first block");
        }
    }

    [Test]
    public void BothInstantiationsOfTheCachedAiaKernelsAgree()
    {
        Assume.That(Vector.VectorTiles, "this CPU has no 256-bit vectors");
        var d = Vector;
        d.Arena.Reset();
        var shape = new Shape(4, 3, 5, 4, 6); // T, N, C, H, W: 24 positions per sample and channel
        var x = Tensor.FromArray(d, shape, TestData.Uniform(1, shape.Length, -1f, 2.5f));
        var g = Tensor.FromArray(d, shape, TestData.Uniform(2, shape.Length));
        var beta = Tensor.FromArray(d, new Shape(5), TestData.Uniform(3, 5, 0.5f, 1.5f));
        var mean = Tensor.FromArray(d, new Shape(5), TestData.Uniform(4, 5));
        var invStd = Tensor.FromArray(d, new Shape(5), TestData.Uniform(5, 5, 0.5f, 2f));
        var gamma = Tensor.FromArray(d, new Shape(5), TestData.Uniform(6, 5, 0.5f, 1.5f));
        var shift = Tensor.FromArray(d, new Shape(5), TestData.Uniform(7, 5));
        var bn = new BatchNormAffine(mean.View, invStd.View, gamma.View, shift.View);
        var p = Spiking.Parameters("test", x, new NeuronOptions { Threshold = 0.8f, Decay = 0.7f }, savePotential: true);
        Assert.That(p.Quads, Is.EqualTo(1), "the quad path");
        int chunks = Spiking.Chunks(d, p.Channels, p.Positions);
        var items = new ILGPU.KernelConfig(Math.Min(d.GroupCount, p.Channels * chunks), d.GroupSize);

        float[][] Run(bool vectorSteps)
        {
            var o = Tensor.Empty(d, shape);
            var u = Tensor.Empty(d, shape);
            var dx = Tensor.Empty(d, shape);
            var partials = Tensor.Empty(d, new Shape(p.Channels * chunks));
            var potentials = Tensor.Empty(d, new Shape(items.GridDim.X * p.Steps * NeuronDynamics.TileFloats(d.GroupSize, p)));
            if (vectorSteps)
            {
                d.Launch(CachedAiaKernels.Forward<VectorNeuronSteps>, items, x.View, beta.View, o.View, u.View, chunks, p);
                d.Launch(CachedAiaKernels.BackwardFromNormalized<VectorNeuronSteps>, items, g.View, x.View, bn, beta.View, dx.View,
                    potentials.View, partials.View, chunks, p);
            }
            else
            {
                d.Launch(CachedAiaKernels.Forward<PlainNeuronSteps>, items, x.View, beta.View, o.View, u.View, chunks, p);
                d.Launch(CachedAiaKernels.BackwardFromNormalized<PlainNeuronSteps>, items, g.View, x.View, bn, beta.View, dx.View,
                    potentials.View, partials.View, chunks, p);
            }
            return [o.ToArray(), u.ToArray(), dx.ToArray(), partials.ToArray()];
        }

        var plainResults = Run(vectorSteps: false);
        var vectorResults = Run(vectorSteps: true);
        string[] names = ["spikes", "potentials", "input gradient", "beta partials"];
        for (int i = 0; i < names.Length; i++)
            Assert.That(vectorResults[i], Is.EqualTo(plainResults[i]), names[i]);
        Assert.That(plainResults[0].Count(v => v == 1f), Is.InRange(shape.Length / 10, shape.Length * 9 / 10), "some neurons fire, not all");
        Assert.That(plainResults[2].Any(v => v != 0f), "the gradient is not trivially zero");
    }

    private static (float Loss, Dictionary<string, float[]> Gradients) Step(Device d, string neuron, NeuronOptions options)
    {
        d.Arena.Reset();
        var net = SpikingNetwork.Create(d, ModelSpec.Parse("8,A,12,A"), NeuronKinds.Parse(neuron), options, 2, 10, 10, 4, seed: 5);
        using var adam = new Adam(d, net.NamedParameters(), 1e-3);
        var shape = new Shape(3, 2, 2, 10, 10);
        var data = TestData.Uniform(9, shape.Length, 0f, 1f).Select(v => v > 0.6f ? 1f : 0f).ToArray();
        var loss = Losses.CrossEntropy(Time.MeanOverTime(net.Forward(Tensor.FromArray(d, shape, data))), d.Arena.Upload<int>([1, 3]));
        adam.ZeroGrad();
        d.Tape.Backward(loss);
        var grads = net.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Grad!.ToArray());
        float value = loss.ToArray()[0];
        d.Arena.Reset();
        return (value, grads);
    }
}
