using System.Runtime.CompilerServices;

namespace Aia.Kernels.Neurons;

/// <summary>One neuron's time step forward (Eq. 1-2): the potential, the spike and the state carried to the next step.</summary>
public readonly struct ForwardStep
{
    private ForwardStep(float potential, float spike)
    {
        Potential = potential;
        Spike = spike;
        Kept = potential * (1f - spike);
    }

    /// <summary>u[t] before the reset.</summary>
    public float Potential { get; }

    /// <summary>o[t].</summary>
    public float Spike { get; }

    /// <summary>u[t] (1 - o[t]), what the leak carries into step t + 1.</summary>
    public float Kept { get; }

    /// <summary>u[t] = decay * kept + scale * x[t], o[t] = H(u[t] - Vth), with kept = u[t-1] (1 - o[t-1]) (0 at t = 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ForwardStep Of(float kept, float x, float scale, float decay, NeuronParameters p)
    {
        float u = decay * kept + scale * x;
        return new ForwardStep(u, NeuronDynamics.Fire(u, p));
    }
}
