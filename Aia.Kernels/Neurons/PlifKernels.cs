using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// Fused multi-step PLIF exactly as Fang et al. (ICCV 2021) and SpikingJelly's <c>ParametricLIFNode</c> define it
/// (decay_input, v_reset = 0, hard reset): H[t] = V[t-1] + (X[t] - V[t-1]) / tau with 1/tau = k = sigmoid(w), one
/// learnable scalar w per layer read from the device, initialised to -ln(tau0 - 1) so that tau starts at tau0;
/// S[t] = H(H[t] - Vth), V[t] = H[t] (1 - S[t]). In the engine's form u[t] = decay kept[t-1] + scale x[t] (Eq. 1)
/// that is decay = 1 - k and scale = k, so dx[t] = k du[t] and
/// dL/dk = sum over all neurons and t of du[t] (x[t] - kept[t-1]), dL/dw = k (1 - k) dL/dk. The forward runs chunks of the
/// layer's neurons (see <see cref="LifKernels.Layer"/>); the backward runs chunks of one channel's positions
/// (<see cref="ChannelSlice"/>, as <see cref="CachedAiaKernels"/>, so that <see cref="BackwardFromNormalized"/> can read its input
/// through the channel's batch-norm map with the same items and sums as <see cref="Backward"/>), writes one partial of dL/dk per
/// item, and <see cref="DecayGradient"/> combines them in a fixed order. w means what it means in SpikingJelly checkpoints.
/// </summary>
public static class PlifKernels
{
    /// <summary>o = PLIF(x) with k = sigmoid(w[0]): u[t] = (1 - k) kept[t-1] + k x[t]; u saved when p.SavePotential is set.</summary>
    public static void Forward<TSteps>(ArrayView<float> x, ArrayView<float> w, ArrayView<float> o, ArrayView<float> u, int chunks, NeuronParameters p)
        where TSteps : struct, INeuronSteps
    {
        var state = NeuronDynamics.AllocateState();
        float k = Surrogate.Logistic(w[0]);
        int groups = Grid.DimX;
        for (int item = Grid.IdxX; item < chunks; item += groups)
            default(TSteps).Forward(LifKernels.Layer(item, chunks, p), state, x, default, k, 1f - k, o, u, p);
    }

    /// <summary>
    /// BPTT: dx (+)= k du for every neuron, and partials[item] = the sum over the item's neurons and t of
    /// du[t] x[t] - du[t+1] kept[t] (= du[t] (x[t] - kept[t-1]) summed), for C * <paramref name="chunks"/> items,
    /// <paramref name="chunks"/> per channel (<see cref="ChannelSlice"/>). Runs the cached-AIA variant of
    /// <see cref="NeuronDynamics"/>, the one whose input gradient is scale du and which also sums du x. Launch with
    /// groups of the device's group size.
    /// </summary>
    public static void Backward(ArrayView<float> g, ArrayView<float> u, ArrayView<float> x, ArrayView<float> w, ArrayView<float> dx,
        ArrayView<float> partials, int chunks, int accumulate, NeuronParameters p)
    {
        var state = NeuronDynamics.AllocateState();
        var shared = GroupReduce.Allocate();
        float k = Surrogate.Logistic(w[0]);
        int groups = Grid.DimX, items = p.Channels * chunks;
        for (int item = Grid.IdxX; item < items; item += groups)
        {
            var slice = ChannelSlice.Of(item, chunks, p.Channels, p.Spatial, p.Positions);
            var sums = NeuronDynamics.Backward(slice, state, NeuronDynamics.CachedAia, g, u, x, k, 1f - k, dx, accumulate, p);
            float sum = GroupReduce.Sum(shared, sums.Input - sums.Decay);
            if (Group.IdxX == 0)
                partials[item] = sum;
        }
    }

    /// <summary>
    /// <see cref="Backward"/> for input currents that are a batch norm's output (<see cref="InputAffine"/>), read from the
    /// convolution output <paramref name="c"/> instead of a copy of x, with u recomputed tile by tile into this group's part of
    /// <paramref name="potentials"/> (groups x T x <see cref="NeuronDynamics.TileFloats"/> floats) instead of a saved tensor
    /// (<see cref="NeuronDynamics.RerunBackward"/>): the same items, steps and sums in the same order as the forward, the batch
    /// norm and <see cref="Backward"/>, so dx (overwritten, never accumulated) and the partials are theirs bit for bit.
    /// <paramref name="dx"/> may be <paramref name="g"/>. <paramref name="pSave"/> has <see cref="NeuronParameters.SavePotential"/> set.
    /// </summary>
    public static void BackwardFromNormalized<TSteps>(ArrayView<float> g, ArrayView<float> c, BatchNormAffine bn, ArrayView<float> w,
        ArrayView<float> dx, ArrayView<float> potentials, ArrayView<float> partials, int chunks, NeuronParameters pSave)
        where TSteps : struct, INeuronSteps
    {
        var state = NeuronDynamics.AllocateState();
        var shared = GroupReduce.Allocate();
        float k = Surrogate.Logistic(w[0]);
        int groups = Grid.DimX, items = pSave.Channels * chunks, perGroup = potentials.IntLength / groups;
        var own = potentials.SubView(Grid.IdxX * perGroup, perGroup);
        for (int item = Grid.IdxX; item < items; item += groups)
        {
            var slice = ChannelSlice.Of(item, chunks, pSave.Channels, pSave.Spatial, pSave.Positions);
            var affine = InputAffine.Of(bn.Mean, bn.InvStd, bn.Gamma, bn.Shift, slice.Channel);
            var sums = default(TSteps).RerunBackward(slice, state, own, NeuronDynamics.CachedAia, g, c, affine, k, 1f - k, dx, pSave);
            float sum = GroupReduce.Sum(shared, sums.Input - sums.Decay);
            if (Group.IdxX == 0)
                partials[item] = sum;
        }
    }

    /// <summary>One group: dw[0] (+)= k (1 - k) * sum(partials), k = sigmoid(w[0]) = 1/tau.</summary>
    public static void DecayGradient(ArrayView<float> partials, ArrayView<float> w, ArrayView<float> dw, int accumulate)
    {
        float sum = 0f;
        for (int i = Group.IdxX; i < partials.IntLength; i += Group.DimX)
            sum += partials[i];
        sum = GroupReduce.Sum(sum);
        if (Group.IdxX == 0)
        {
            float k = Surrogate.Logistic(w[0]);
            float grad = sum * k * (1f - k);
            dw[0] = accumulate != 0 ? dw[0] + grad : grad;
        }
    }
}
