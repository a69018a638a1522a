using Aia.Engine.Models;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using Aia.Kernels.Neurons;
using Aia.Tests.Support;
using NUnit.Framework;
using KernelConfig = ILGPU.KernelConfig;

namespace Aia.Tests.Neurons;

/// <summary>
/// The fused neuron backward of every kind (<c>BackwardFromNormalized</c>: the input currents read through the batch norm's
/// map from the convolution output, u rerun tile by tile into a per-group scratch, dx written over the spike gradient or
/// into its own buffer) against the plain backward the ops run otherwise (the batch norm's output, the forward kernel rerun
/// into a full u tensor, the backward kernel), both launched as <see cref="Spiking"/> launches them: dx, PLIF's partials
/// and dw, cached AIA's partials and dbeta must be equal bit for bit, on the test device (groups of 2), groups of 1 (the
/// production CPU device, whose fused kernels run VectorNeuronSteps) and 4, and the GPU-shaped device (warps of 32, groups of 256, one scalar neuron per thread).
/// </summary>
public sealed class FusedBackwardTests
{
    /// <summary>S a multiple of 4 (quads on the CPU), S odd (scalars), the linear layout, channels of several chunks.</summary>
    public static readonly int[][] Shapes = [[3, 2, 4, 6, 8], [4, 2, 3, 5, 7], [5, 3, 12], [2, 3, 2, 40, 40]];

    private static readonly NeuronKind[] Kinds = [NeuronKind.Lif, NeuronKind.If, NeuronKind.Plif, NeuronKind.Aia, NeuronKind.CachedAia];

    [Test]
    public void EqualsThePlainBackwardBitwise([Values(1, 2, 4)] int groupSize, [ValueSource(nameof(Kinds))] NeuronKind kind,
        [ValueSource(nameof(Shapes))] int[] shape)
    {
        var d = groupSize == 2 ? TestDevice.Cpu : TestDevice.WithGroupSize(groupSize);
        d.Arena.Reset();
        Check(d, kind, new Shape(shape), 61);
    }

    [Test]
    public void EqualsThePlainBackwardBitwiseOnTheGpuShapedDevice([ValueSource(nameof(Kinds))] NeuronKind kind) =>
        Check(TestDevice.GpuShaped(256), kind, new Shape(2, 2, 3, 4, 6), 62);

    [Test]
    public void TheOpsRunTheFusedFormBehindABatchNormAndItEqualsThePlainOne([ValueSource(nameof(Kinds))] NeuronKind kind)
    {
        // The check `aia verify` runs (it throws if the op did not take the form asked for); the kernels are compared on the
        // GPU-shaped device above (the whole op there takes some 20 s per case).
        var d = TestDevice.Cpu;
        var shape = new Shape(3, 2, 4, 6, 8);
        var options = new NeuronOptions { Decay = kind == NeuronKind.If ? 1f : 0.5f };
        var c = FusedNeuronCase.Random(kind, shape, options, 63).Compare(d);
        Assert.That(c.Passed, c.ToString());
        var linear = FusedNeuronCase.Random(kind, new Shape(4, 3, 10), options, 64).Compare(d);
        Assert.That(linear.Passed, "[T, N, F]: " + linear);
    }

    /// <summary>With the reset path (dx over g) and with it detached (dx in its own buffer).</summary>
    private static void Check(Device d, NeuronKind kind, Shape shape, int seed)
    {
        foreach (bool detach in new[] { false, true })
        {
            var options = new NeuronOptions { DetachReset = detach, Decay = kind == NeuronKind.If ? 1f : 0.5f };
            var plain = Run(d, kind, shape, options, seed, fused: false, overG: false);
            var fused = Run(d, kind, shape, options, seed, fused: true, overG: !detach);
            string what = $"{kind} {shape}, detach reset {detach}";
            Assert.That(plain.Dx.Count(v => v != 0f), Is.GreaterThan(plain.Dx.Length / 4), "the case has gradients, " + what);
            Assert.That(fused.Dx, Is.EqualTo(plain.Dx), "dx, " + what);
            Assert.That(fused.Partials, Is.EqualTo(plain.Partials), "parameter partials, " + what);
            Assert.That(fused.Parameter, Is.EqualTo(plain.Parameter), "parameter gradient, " + what);
            if (kind is NeuronKind.Plif or NeuronKind.CachedAia)
                Assert.That(plain.Parameter.Any(v => v != 0f), "the case has a parameter gradient, " + what);
        }
    }

    /// <summary>
    /// The convolution output c (random), its training-mode batch norm x = BN(c) through the op (which records the map the
    /// fused backward reads), then one backward of the neuron from the spike gradient g (random).
    /// </summary>
    private static (float[] Dx, float[] Partials, float[] Parameter) Run(Device d, NeuronKind kind, Shape shape, NeuronOptions options,
        int seed, bool fused, bool overG)
    {
        d.Arena.Reset();
        int steps = shape[0], batch = shape[1], channels = shape[2];
        var folded = shape.Rank == 5 ? new Shape(steps * batch, channels, shape[3], shape[4]) : new Shape(steps * batch, channels);
        var c = Tensor.FromArray(d, folded, TestData.Uniform(seed, shape.Length, -1f, 2f));
        // PLIF scales its input by 1/tau (about 1/2): twice the spread gives it as many neurons near the threshold as the others
        float spread = kind == NeuronKind.Plif ? 2f : 1f;
        var weight = Tensor.FromArray(d, new Shape(channels), TestData.Uniform(seed + 1, channels, 0.5f * spread, 1.5f * spread));
        var bias = Tensor.FromArray(d, new Shape(channels), TestData.Uniform(seed + 2, channels, -0.2f, 0.8f));
        var y = Normalization.BatchNorm(c, weight, bias, Tensor.Zeros(d, new Shape(channels)), Tensor.Zeros(d, new Shape(channels)), training: true);
        var (source, bn) = y.Block!.Normalized!.Value;
        Assert.That(source, Is.SameAs(c));
        var x = y.ViewAs(shape);
        var g = Tensor.FromArray(d, shape, TestData.Uniform(seed + 3, shape.Length));
        var dx = overG ? g : Tensor.Empty(d, shape);
        float[] parameter = kind switch
        {
            NeuronKind.Plif => TestData.Uniform(seed + 4, 1),
            NeuronKind.CachedAia => TestData.Uniform(seed + 4, channels, 0.5f, 1.5f),
            _ => [],
        };
        var w = Tensor.FromArray(d, new Shape(Math.Max(1, parameter.Length)), parameter.Length > 0 ? parameter : [0f]);
        var dw = Tensor.Empty(d, w.Shape);

        var pSave = Spiking.Parameters("test", x, options, savePotential: true);
        int perChannel = Spiking.Chunks(d, channels, pSave.Positions), layerChunks = Spiking.Chunks(d, 1, pSave.Neurons);
        var channelItems = new KernelConfig(Math.Min(d.GroupCount, channels * perChannel), d.GroupSize);
        var layerItems = new KernelConfig(Math.Min(d.GroupCount, layerChunks), d.GroupSize);
        var partials = Tensor.Empty(d, new Shape(channels * perChannel));
        int variant = kind == NeuronKind.Aia ? NeuronDynamics.Aia : NeuronDynamics.Lif;
        if (fused)
        {
            var p = Spiking.WithLaunchShape(d, pSave, c.View, g.View, dx.View);
            long scratch = (long)channelItems.GridDim.X * steps * NeuronDynamics.TileFloats(d.GroupSize, p);
            // NaN everywhere: a potential read before the rerun wrote it would show in dx.
            var potentials = Tensor.FromArray(d, new Shape((int)scratch), Enumerable.Repeat(float.NaN, (int)scratch).ToArray()).View;
            switch (kind)
            {
                case NeuronKind.Plif:
                    d.Launch(Spiking.Steps(d, PlifKernels.BackwardFromNormalized<VectorNeuronSteps>, PlifKernels.BackwardFromNormalized<PlainNeuronSteps>), channelItems, g.View, c.View, bn, w.View, dx.View, potentials, partials.View,
                        perChannel, p);
                    break;
                case NeuronKind.CachedAia:
                    d.Launch(Spiking.Steps(d, CachedAiaKernels.BackwardFromNormalized<VectorNeuronSteps>, CachedAiaKernels.BackwardFromNormalized<PlainNeuronSteps>), channelItems, g.View, c.View, bn, w.View, dx.View, potentials,
                        partials.View, perChannel, p);
                    break;
                default:
                    d.Launch(Spiking.Steps(d, LifKernels.BackwardFromNormalized<VectorNeuronSteps>, LifKernels.BackwardFromNormalized<PlainNeuronSteps>), channelItems, g.View, c.View, bn, variant, dx.View, potentials, perChannel, p);
                    break;
            }
        }
        else
        {
            var u = Tensor.Empty(d, shape).View;
            var p = Spiking.WithLaunchShape(d, pSave, x.View, g.View, dx.View);
            switch (kind)
            {
                case NeuronKind.Plif:
                    d.Launch(PlifKernels.Forward<PlainNeuronSteps>, layerItems, x.View, w.View, u, u, layerChunks, pSave);
                    d.Launch(PlifKernels.Backward, channelItems, g.View, u, x.View, w.View, dx.View, partials.View, perChannel, 0, p);
                    break;
                case NeuronKind.CachedAia:
                    d.Launch(CachedAiaKernels.Forward<PlainNeuronSteps>, channelItems, x.View, w.View, u, u, perChannel, pSave);
                    d.Launch(CachedAiaKernels.Backward, channelItems, g.View, u, x.View, w.View, dx.View, partials.View, perChannel, 0, p);
                    break;
                default:
                    d.Launch(LifKernels.Forward<PlainNeuronSteps>, layerItems, x.View, u, u, layerChunks, pSave);
                    if (kind == NeuronKind.Aia)
                        d.Launch(LifKernels.AiaBackward, layerItems, g.View, u, x.View, dx.View, layerChunks, 0, p);
                    else
                        d.Launch(LifKernels.Backward, layerItems, g.View, u, dx.View, layerChunks, 0, p);
                    break;
            }
        }
        if (kind == NeuronKind.Plif)
            d.Launch(PlifKernels.DecayGradient, new KernelConfig(1, d.GroupSize), partials.View, w.View, dw.View, 0);
        if (kind == NeuronKind.CachedAia)
            d.Launch(CachedAiaKernels.BetaGradient, d.GridStride(channels), partials.View, dw.View, perChannel, 0);
        bool sums = kind is NeuronKind.Plif or NeuronKind.CachedAia;
        return (dx.ToArray(), sums ? partials.ToArray() : [], sums ? dw.ToArray() : []);
    }
}
