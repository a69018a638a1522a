using System.Runtime.CompilerServices;
using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// The time loop of one neuron, forward (Eq. 1-2) and backward (BPTT), shared by every neuron kernel. A device
/// helper, not a kernel family: the kernels pick the neurons a thread runs and call these.
/// Arrays are time-major: element (t, i) of a [T, neurons] tensor is at t * neurons + i.
/// </summary>
public static class NeuronDynamics
{
    /// <summary>Backward variant of LIF, IF and PLIF: dx[t] = du[t].</summary>
    public const int Lif = 0;

    /// <summary>Backward variant of AIA (Eq. 6-7): dx[t] = x[t] du[t].</summary>
    public const int Aia = 1;

    /// <summary>Backward variant of cached AIA (Eq. 8-9): dx[t] = beta du[t]; also sums du[t] x[t] for dbeta.</summary>
    public const int CachedAia = 2;

    /// <summary>o = H(u - Vth) (1 at u = Vth), or sigmoid(k (u - Vth)) in the smooth test mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fire(float u, NeuronParameters p) =>
        p.SmoothSlope > 0f ? Surrogate.Logistic(p.SmoothSlope * (u - p.Threshold)) : u >= p.Threshold ? 1f : 0f;

    /// <summary>do/du: the configured surrogate, or the exact derivative in the smooth test mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FireDerivative(float u, NeuronParameters p) =>
        p.SmoothSlope > 0f
            ? Surrogate.Derivative(Surrogate.Sigmoid, u - p.Threshold, p.SmoothSlope)
            : Surrogate.Derivative(p.SurrogateKind, u - p.Threshold, p.Alpha);

    /// <summary>
    /// Runs neuron <paramref name="i"/> through all time steps (Eq. 1-2 with input current scale * x[t]):
    /// u[t] = decay * u[t-1] (1 - o[t-1]) + scale * x[t], o[t] = H(u[t] - Vth). Writes o and, when
    /// <see cref="NeuronParameters.SavePotential"/> is set, u[t] before the reset.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward(int i, ArrayView<float> x, float scale, float decay, ArrayView<float> o, ArrayView<float> u, NeuronParameters p)
    {
        float kept = 0f;
        int m = p.Neurons;
        for (int t = 0, k = i; t < p.Steps; t++, k += m)
        {
            float ut = decay * kept + scale * x[k];
            float ot = Fire(ut, p);
            o[k] = ot;
            if (p.SavePotential != 0)
                u[k] = ut;
            kept = ut * (1f - ot);
        }
    }

    /// <summary>
    /// BPTT of neuron <paramref name="i"/> in reverse time, with du[T] = 0 and g[t] = dL/do[t] from above:
    /// do[t] = g[t] - du[t+1] decay u[t] (the reset path, dropped when detached),
    /// du[t] = do[t] H'(u[t] - Vth) + du[t+1] decay (1 - o[t]); o[t] is recomputed from the saved u[t].
    /// Writes dx[t] per <paramref name="variant"/> (overwrite, or add when <paramref name="accumulate"/> is 1)
    /// and returns this neuron's sums for the parameter gradients.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static NeuronGradientSums Backward(int i, int variant, ArrayView<float> g, ArrayView<float> u, ArrayView<float> x,
        float scale, float decay, ArrayView<float> dx, int accumulate, NeuronParameters p)
    {
        float next = 0f;
        float inputSum = 0f, decaySum = 0f;
        int m = p.Neurons;
        for (int t = p.Steps - 1, k = (p.Steps - 1) * m + i; t >= 0; t--, k -= m)
        {
            float ut = u[k];
            float keep = 1f - Fire(ut, p);
            float dOut = g[k];
            if (p.DetachReset == 0)
                dOut -= next * decay * ut;
            decaySum += next * ut * keep;
            float du = dOut * FireDerivative(ut, p) + next * decay * keep;
            float grad = du * scale;
            if (variant != Lif)
            {
                float xt = x[k];
                inputSum += du * xt;
                if (variant == Aia)
                    grad = xt * du;
            }
            dx[k] = accumulate != 0 ? dx[k] + grad : grad;
            next = du;
        }
        return new NeuronGradientSums(inputSum, decaySum);
    }
}
