using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// Fused multi-step LIF (Eq. 1-2), which is also IF (decay 1) and, in the forward pass, AIA (Eq. 6-7: AIA
/// fires exactly like LIF). One thread per neuron, grid-stride over the neurons of a time step, the whole time
/// loop in registers. Forward stores u[t] before the reset; backward recomputes o[t] from it, so the pair moves
/// x, o, u forward and g, u, dx backward: 24 bytes per neuron and time step.
/// </summary>
public static class LifKernels
{
    /// <summary>o = LIF(x) over [T, neurons]; u[t] before reset saved when p.SavePotential is set.</summary>
    public static void Forward(ArrayView<float> x, ArrayView<float> o, ArrayView<float> u, NeuronParameters p)
    {
        int step = GridStride.Step;
        int neurons = p.Neurons;
        for (int i = GridStride.Start; i < neurons; i += step)
            NeuronDynamics.Forward(i, x, 1f, p.Decay, o, u, p);
    }

    /// <summary>BPTT of LIF/IF: dx (+)= du from g = dL/do and the saved u.</summary>
    public static void Backward(ArrayView<float> g, ArrayView<float> u, ArrayView<float> dx, int accumulate, NeuronParameters p)
    {
        int step = GridStride.Step;
        int neurons = p.Neurons;
        for (int i = GridStride.Start; i < neurons; i += step)
            NeuronDynamics.Backward(i, NeuronDynamics.Lif, g, u, default, 1f, p.Decay, dx, accumulate, p);
    }

    /// <summary>BPTT of AIA (Eq. 6-7, f'(x) = x): dx (+)= x * du, x the input currents of the forward pass.</summary>
    public static void AiaBackward(ArrayView<float> g, ArrayView<float> u, ArrayView<float> x, ArrayView<float> dx, int accumulate, NeuronParameters p)
    {
        int step = GridStride.Step;
        int neurons = p.Neurons;
        for (int i = GridStride.Start; i < neurons; i += step)
            NeuronDynamics.Backward(i, NeuronDynamics.Aia, g, u, x, 1f, p.Decay, dx, accumulate, p);
    }
}
