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

    /// <summary>Item <paramref name="item"/> of <paramref name="chunks"/> over the layer's neurons taken as one channel.</summary>
    public static ChannelSlice Layer(int item, int chunks, NeuronParameters p) => ChannelSlice.Of(item, chunks, 1, p.Neurons, p.Neurons);
}
