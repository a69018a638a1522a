using System.Runtime.CompilerServices;

namespace Aia.Kernels.Neurons;

/// <summary>
/// One neuron's time step of BPTT, with next = du[t+1] (0 at the last step) and g = dL/do[t] from above:
/// do[t] = g - next decay u[t] (the reset path, dropped when detached),
/// du[t] = do[t] H'(u[t] - Vth) + next decay (1 - o[t]); o[t] is recomputed from the saved u[t].
/// </summary>
public readonly struct BackwardStep
{
    private BackwardStep(float potentialGradient, float inputGradient, float inputTerm, float decayTerm)
    {
        PotentialGradient = potentialGradient;
        InputGradient = inputGradient;
        InputTerm = inputTerm;
        DecayTerm = decayTerm;
    }

    /// <summary>du[t], carried to step t - 1.</summary>
    public float PotentialGradient { get; }

    /// <summary>dx[t]: scale du[t], or x[t] du[t] for AIA.</summary>
    public float InputGradient { get; }

    /// <summary>du[t] x[t] (0 for LIF): the term of cached AIA's dL/dbeta.</summary>
    public float InputTerm { get; }

    /// <summary>du[t+1] u[t] (1 - o[t]): the term of PLIF's dL/dlambda.</summary>
    public float DecayTerm { get; }

    /// <summary>The step for backward <paramref name="variant"/> of <see cref="NeuronDynamics"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BackwardStep Of(float next, float u, float g, float x, int variant, float scale, float decay, NeuronParameters p)
    {
        float keep = 1f - NeuronDynamics.Fire(u, p);
        float dOut = g;
        if (p.DetachReset == 0)
            dOut -= next * decay * u;
        float du = dOut * NeuronDynamics.FireDerivative(u, p) + next * decay * keep;
        float grad = variant == NeuronDynamics.Aia ? x * du : du * scale;
        return new BackwardStep(du, grad, variant != NeuronDynamics.Lif ? du * x : 0f, next * u * keep);
    }
}
