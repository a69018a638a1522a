namespace Aia.Kernels.Neurons;

/// <summary>One neuron's contributions to the gradients of the layer's parameters, summed over time.</summary>
/// <param name="input">Sum over t of du[t] x[t] (cached AIA's dL/dbeta, Eq. 9).</param>
/// <param name="decay">Sum over t of du[t+1] u[t] (1 - o[t]) (PLIF's dL/dlambda).</param>
public readonly struct NeuronGradientSums(float input, float decay)
{
    /// <summary>Sum over t of du[t] x[t].</summary>
    public float Input { get; } = input;

    /// <summary>Sum over t of du[t+1] u[t] (1 - o[t]).</summary>
    public float Decay { get; } = decay;
}
