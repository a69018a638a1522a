using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// Fused multi-step cached AIA (Eq. 8-9): LIF driven by beta[c] * x with a learnable cache beta per channel
/// (conv) or unit (linear). The single backward pass yields dx = beta du and the per-channel dL/dbeta =
/// sum over batch, time and positions of du x: work items are chunks of one channel's positions
/// (<see cref="ChannelSlice"/>), each group reduces its item and writes partials[item], and
/// <see cref="BetaGradient"/> sums each channel's partials in a fixed order. The design sketch had one float
/// atomic per group and channel; partials keep runs bit-for-bit reproducible instead. The forward pass uses
/// the same items, so each reads its channel's beta once.
/// </summary>
public static class CachedAiaKernels
{
    /// <summary>o = LIF(beta[c] * x) over C * <paramref name="chunks"/> items; u saved when p.SavePotential is set.</summary>
    public static void Forward<TSteps>(ArrayView<float> x, ArrayView<float> beta, ArrayView<float> o, ArrayView<float> u, int chunks, NeuronParameters p)
        where TSteps : struct, INeuronSteps
    {
        var state = NeuronDynamics.AllocateState();
        int groups = Grid.DimX, items = p.Channels * chunks;
        for (int item = Grid.IdxX; item < items; item += groups)
        {
            var slice = ChannelSlice.Of(item, chunks, p.Channels, p.Spatial, p.Positions);
            default(TSteps).Forward(slice, state, x, default, beta[slice.Channel], p.Decay, o, u, p);
        }
    }

    /// <summary>
    /// BPTT: dx (+)= beta[c] du, and partials[item] = sum of du x over the item's neurons and all t, for
    /// C * <paramref name="chunks"/> items. Launch with groups of the device's group size.
    /// </summary>
    public static void Backward(ArrayView<float> g, ArrayView<float> u, ArrayView<float> x, ArrayView<float> beta,
        ArrayView<float> dx, ArrayView<float> partials, int chunks, int accumulate, NeuronParameters p)
    {
        var state = NeuronDynamics.AllocateState();
        var shared = GroupReduce.Allocate();
        int groups = Grid.DimX, items = p.Channels * chunks;
        for (int item = Grid.IdxX; item < items; item += groups)
        {
            var slice = ChannelSlice.Of(item, chunks, p.Channels, p.Spatial, p.Positions);
            var sums = NeuronDynamics.Backward(slice, state, NeuronDynamics.CachedAia, g, u, x, beta[slice.Channel], p.Decay, dx, accumulate, p);
            float sum = GroupReduce.Sum(shared, sums.Input);
            if (Group.IdxX == 0)
                partials[item] = sum;
        }
    }

    /// <summary>
    /// <see cref="Backward"/> for input currents that are a batch norm's output x = (c - mean) * invStd * gamma + shift
    /// (<see cref="InputAffine"/>), read from the convolution output <paramref name="c"/> instead of a copy of x, with u
    /// recomputed tile by tile into this group's part of <paramref name="potentials"/> (groups x T x
    /// <see cref="NeuronDynamics.TileFloats"/> floats) instead of a saved tensor (<see cref="NeuronDynamics.RerunBackward"/>):
    /// the same arithmetic in the same order as the forward, the batch norm and <see cref="Backward"/>, so dx (overwritten,
    /// never accumulated) and the partials are theirs bit for bit. <paramref name="dx"/> may be <paramref name="g"/>.
    /// <paramref name="pSave"/> has <see cref="NeuronParameters.SavePotential"/> set.
    /// </summary>
    public static void BackwardFromNormalized<TSteps>(ArrayView<float> g, ArrayView<float> c, BatchNormAffine bn, ArrayView<float> beta,
        ArrayView<float> dx, ArrayView<float> potentials, ArrayView<float> partials, int chunks, NeuronParameters pSave)
        where TSteps : struct, INeuronSteps
    {
        var state = NeuronDynamics.AllocateState();
        var shared = GroupReduce.Allocate();
        int groups = Grid.DimX, items = pSave.Channels * chunks, perGroup = potentials.IntLength / groups;
        var own = potentials.SubView(Grid.IdxX * perGroup, perGroup);
        for (int item = Grid.IdxX; item < items; item += groups)
        {
            var slice = ChannelSlice.Of(item, chunks, pSave.Channels, pSave.Spatial, pSave.Positions);
            var affine = InputAffine.Of(bn.Mean, bn.InvStd, bn.Gamma, bn.Shift, slice.Channel);
            var sums = default(TSteps).RerunBackward(slice, state, own, NeuronDynamics.CachedAia, g, c, affine, beta[slice.Channel], pSave.Decay, dx, pSave);
            float sum = GroupReduce.Sum(shared, sums.Input);
            if (Group.IdxX == 0)
                partials[item] = sum;
        }
    }

    /// <summary>dbeta[c] (+)= sum over k of partials[c * chunks + k], in order of k.</summary>
    public static void BetaGradient(ArrayView<float> partials, ArrayView<float> dbeta, int chunks, int accumulate)
    {
        int step = GridStride.Step;
        for (int c = GridStride.Start; c < dbeta.IntLength; c += step)
        {
            float sum = 0f;
            for (int k = 0; k < chunks; k++)
                sum += partials[c * chunks + k];
            dbeta[c] = accumulate != 0 ? dbeta[c] + sum : sum;
        }
    }
}
