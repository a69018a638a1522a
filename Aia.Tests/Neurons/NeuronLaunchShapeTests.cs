using Aia.Engine.Autodiff;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Models;
using Aia.Engine.Verification;
using Aia.Kernels.Neurons;
using Aia.Tests.Support;
using NUnit.Framework;
using KernelConfig = ILGPU.KernelConfig;

namespace Aia.Tests.Neurons;

/// <summary>
/// The neuron kernels under every launch shape: groups of 1 (production CPU) and 8 threads, tiles of quads or of
/// scalars, and the GPU shape (one scalar neuron per thread) run on the CPU. Each neuron's arithmetic does not
/// depend on the tiling, so spikes, potentials and input gradients must agree bit for bit.
/// </summary>
public sealed class NeuronLaunchShapeTests
{
    /// <summary>S a multiple of 4 (quads on the CPU), S odd (scalars), the linear layout, items of several tiles.</summary>
    public static readonly int[][] Shapes = [[3, 2, 4, 6, 8], [4, 2, 3, 5, 7], [5, 3, 12], [2, 3, 2, 40, 40]];

    [Test]
    public void AnyGroupSizeMatchesTheReferencesAndTheTestDevice(
        [Values(1, 8)] int groupSize,
        [Values] NeuronKind kind,
        [ValueSource(nameof(Shapes))] int[] shape)
    {
        var d = TestDevice.WithGroupSize(groupSize);
        var input = NeuronCase.Random(kind, new Shape(shape), new NeuronOptions(), 51);
        var result = input.Run(d);
        var expected = input.ReferenceBackward();

        Assert.That(result.Spikes, Is.EqualTo(input.ReferenceForward().Spikes));
        var c = GradCheck.Compare(result.InputGradient, expected.Input, 1e-6, 1e-5);
        Assert.That(c.Passed, "dx: " + c);
        var p = GradCheck.Compare(result.ParameterGradient, input.ReferenceParameterGradient(expected), 1e-4, 1e-5);
        Assert.That(p.Passed, "parameter: " + p);

        TestDevice.Cpu.Arena.Reset();
        var onTestDevice = input.Run(TestDevice.Cpu);
        Assert.That(result.Spikes, Is.EqualTo(onTestDevice.Spikes), "spikes as with groups of 2");
        Assert.That(result.InputGradient, Is.EqualTo(onTestDevice.InputGradient), "dx as with groups of 2");
    }

    [Test]
    public void EveryTilingGivesTheSameNeuronsBitwise(
        [Values(1, 8)] int groupSize,
        [Values(NeuronKind.Lif, NeuronKind.Aia, NeuronKind.CachedAia)] NeuronKind kind)
    {
        var d = TestDevice.WithGroupSize(groupSize);
        var input = NeuronCase.Random(kind, new Shape(3, 2, 4, 6, 8), new NeuronOptions { DetachReset = false }, 52);
        var expected = input.Run(d);
        var expectedPotentials = input.ReferenceForward().Potentials;
        var referenceParameter = input.ReferenceParameterGradient(input.ReferenceBackward());
        // (lanes, quads): the GPU shape, tiles of odd widths, and the CPU shape (full tiles of quads).
        foreach (var (lanes, quads) in new[] { (1, 0), (3, 0), (3, 1), (NeuronDynamics.MaxTile / groupSize, 1) })
        {
            d.Arena.Reset();
            var run = RunKernels(d, input, lanes, quads);
            string shape = $"lanes {lanes}, quads {quads}";
            Assert.That(run.Spikes, Is.EqualTo(expected.Spikes), "spikes, " + shape);
            Assert.That(run.Potentials, Is.EqualTo(expectedPotentials), "potentials, " + shape);
            Assert.That(run.InputGradient, Is.EqualTo(expected.InputGradient), "dx, " + shape);
            var c = GradCheck.Compare(run.Beta, referenceParameter, 1e-4, 1e-5);
            Assert.That(c.Passed, "dbeta, " + shape + ": " + c);
        }
    }

    /// <summary>Forward and backward by direct launches with the given tiling (the op picks it from the device).</summary>
    private static (float[] Spikes, float[] Potentials, float[] InputGradient, float[] Beta) RunKernels(Device d, NeuronCase input, int lanes, int quads)
    {
        var x = Tensor.FromArray(d, input.Shape, input.Input);
        var g = Tensor.FromArray(d, input.Shape, input.Upstream);
        var o = Tensor.Empty(d, input.Shape);
        var u = Tensor.Empty(d, input.Shape);
        var dx = Tensor.Empty(d, input.Shape);
        var p = Spiking.Parameters("test", x, input.Options, savePotential: true) with { Lanes = lanes, Quads = quads };
        if (input.Kind != NeuronKind.CachedAia)
        {
            int chunks = Spiking.Chunks(d, 1, p.Neurons);
            var items = new KernelConfig(Math.Min(d.GroupCount, chunks), d.GroupSize);
            d.Launch(LifKernels.Forward<PlainNeuronSteps>, items, x.View, o.View, u.View, chunks, p);
            if (input.Kind == NeuronKind.Aia)
                d.Launch(LifKernels.AiaBackward, items, g.View, u.View, x.View, dx.View, chunks, 0, p);
            else
                d.Launch(LifKernels.Backward, items, g.View, u.View, dx.View, chunks, 0, p);
            return (o.ToArray(), u.ToArray(), dx.ToArray(), []);
        }
        var beta = Tensor.FromArray(d, new Shape(p.Channels), input.Parameter);
        var dbeta = Tensor.Empty(d, beta.Shape);
        int perChannel = Spiking.Chunks(d, p.Channels, p.Positions);
        var partials = Tensor.Empty(d, new Shape(p.Channels * perChannel));
        var config = new KernelConfig(Math.Min(d.GroupCount, p.Channels * perChannel), d.GroupSize);
        d.Launch(CachedAiaKernels.Forward<PlainNeuronSteps>, config, x.View, beta.View, o.View, u.View, perChannel, p);
        d.Launch(CachedAiaKernels.Backward, config, g.View, u.View, x.View, beta.View, dx.View, partials.View, perChannel, 0, p);
        d.Launch(CachedAiaKernels.BetaGradient, d.GridStride(p.Channels), partials.View, dbeta.View, perChannel, 0);
        return (o.ToArray(), u.ToArray(), dx.ToArray(), dbeta.ToArray());
    }
}
