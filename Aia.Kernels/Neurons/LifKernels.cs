using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// Fused multi-step LIF (Eq. 1-2), which is also IF (decay 1) and, in the forward pass, AIA (Eq. 6-7: AIA
/// fires exactly like LIF). Work items are contiguous chunks of the layer's neurons
/// (<see cref="ChannelSlice"/> with one channel), one group per item, run through time by
/// <see cref="NeuronDynamics"/>. Forward stores u[t] before the reset; backward recomputes o[t] from it, so the
/// pair moves x, o, u forward and g, u, dx backward: 24 bytes per neuron and time step.
/// </summary>
public static class LifKernels
{
    /// <summary>o = LIF(x) over [T, neurons]; u[t] before reset saved when p.SavePotential is set.</summary>
    public static void Forward<TSteps>(ArrayView<float> x, ArrayView<float> o, ArrayView<float> u, int chunks, NeuronParameters p)
        where TSteps : struct, INeuronSteps
    {
        var state = NeuronDynamics.AllocateState();
        int groups = Grid.DimX;
        for (int item = Grid.IdxX; item < chunks; item += groups)
            default(TSteps).Forward(Layer(item, chunks, p), state, x, default, 1f, p.Decay, o, u, p);
    }

    /// <summary>BPTT of LIF/IF: dx (+)= du from g = dL/do and the saved u.</summary>
    public static void Backward(ArrayView<float> g, ArrayView<float> u, ArrayView<float> dx, int chunks, int accumulate, NeuronParameters p)
    {
        var state = NeuronDynamics.AllocateState();
        int groups = Grid.DimX;
        for (int item = Grid.IdxX; item < chunks; item += groups)
            NeuronDynamics.Backward(Layer(item, chunks, p), state, NeuronDynamics.Lif, g, u, default, 1f, p.Decay, dx, accumulate, p);
    }

    /// <summary>BPTT of AIA (Eq. 6-7, f'(x) = x): dx (+)= x * du, x the input currents of the forward pass.</summary>
    public static void AiaBackward(ArrayView<float> g, ArrayView<float> u, ArrayView<float> x, ArrayView<float> dx, int chunks,
        int accumulate, NeuronParameters p)
    {
        var state = NeuronDynamics.AllocateState();
        int groups = Grid.DimX;
        for (int item = Grid.IdxX; item < chunks; item += groups)
            NeuronDynamics.Backward(Layer(item, chunks, p), state, NeuronDynamics.Aia, g, u, x, 1f, p.Decay, dx, accumulate, p);
    }

    /// <summary>
    /// <see cref="Backward"/> (<paramref name="variant"/> <see cref="NeuronDynamics.Lif"/>: LIF and IF) or <see cref="AiaBackward"/>
    /// (<see cref="NeuronDynamics.Aia"/>: dx = x du) for input currents that are a batch norm's output
    /// x = (c - mean) * invStd * gamma + shift (<see cref="InputAffine"/>), read from the convolution output <paramref name="c"/>
    /// instead of a copy of x, with u recomputed tile by tile into this group's part of <paramref name="potentials"/> (groups x T x
    /// <see cref="NeuronDynamics.TileFloats"/> floats) instead of a saved tensor (<see cref="NeuronDynamics.RerunBackward"/>). The map
    /// is per channel, so the work items are chunks of one channel's positions, C * <paramref name="chunks"/> of them (as
    /// <see cref="CachedAiaKernels.BackwardFromNormalized"/>), not chunks of the layer; each neuron's arithmetic does not depend on
    /// the items, so dx (overwritten, never accumulated) is that of the forward, the batch norm and <see cref="Backward"/> or
    /// <see cref="AiaBackward"/> bit for bit. <paramref name="dx"/> may be <paramref name="g"/>. <paramref name="pSave"/> has
    /// <see cref="NeuronParameters.SavePotential"/> set.
    /// </summary>
    public static void BackwardFromNormalized<TSteps>(ArrayView<float> g, ArrayView<float> c, BatchNormAffine bn, int variant, ArrayView<float> dx,
        ArrayView<float> potentials, int chunks, NeuronParameters pSave)
        where TSteps : struct, INeuronSteps
    {
        var state = NeuronDynamics.AllocateState();
        int groups = Grid.DimX, items = pSave.Channels * chunks, perGroup = potentials.IntLength / groups;
        var own = potentials.SubView(Grid.IdxX * perGroup, perGroup);
        for (int item = Grid.IdxX; item < items; item += groups)
        {
            var slice = ChannelSlice.Of(item, chunks, pSave.Channels, pSave.Spatial, pSave.Positions);
            var affine = InputAffine.Of(bn.Mean, bn.InvStd, bn.Gamma, bn.Shift, slice.Channel);
            default(TSteps).RerunBackward(slice, state, own, variant, g, c, affine, 1f, pSave.Decay, dx, pSave);
        }
    }

    /// <summary>Item <paramref name="item"/> of <paramref name="chunks"/> over the layer's neurons taken as one channel.</summary>
    public static ChannelSlice Layer(int item, int chunks, NeuronParameters p) => ChannelSlice.Of(item, chunks, 1, p.Neurons, p.Neurons);
}
