using System.Runtime.CompilerServices;

namespace Aia.Kernels;

/// <summary>
/// Surrogate derivatives of the spike function o = H(u - Vth) (Eq. 2 of Shen et al. 2023): the Heaviside step
/// has no useful derivative, so BPTT uses one of these bumps in its place. Every surrogate integrates to 1 over
/// x = u - Vth. A device helper (called from the neuron kernels), not a kernel family.
/// </summary>
public static class Surrogate
{
    /// <summary>1/a [|x| &lt; a/2], width a (default 1): the surrogate of STBP-tdBN, which the paper follows.</summary>
    public const int Rectangular = 0;

    /// <summary>(1/a) max(0, 1 - |x|/a), half-width a (default 1): TET's triangle, max(0, 1 - |x|) for a = 1.</summary>
    public const int Triangle = 1;

    /// <summary>(alpha/2) / (1 + (pi/2 alpha x)^2), alpha default 2 (SpikingJelly's ATan).</summary>
    public const int ATan = 2;

    /// <summary>alpha s (1 - s) with s = sigmoid(alpha x), alpha default 4 (SpikingJelly's Sigmoid).</summary>
    public const int Sigmoid = 3;

    /// <summary>The surrogate <paramref name="kind"/> of dH/dx at x = u - Vth with shape parameter <paramref name="alpha"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(int kind, float x, float alpha)
    {
        if (kind == Rectangular)
            return Indicator(MathF.Abs(x) < 0.5f * alpha) * (1f / alpha);
        if (kind == Triangle)
            return MathF.Max(0f, 1f - MathF.Abs(x) / alpha) / alpha;
        if (kind == ATan)
        {
            float z = 0.5f * MathF.PI * alpha * x;
            return 0.5f * alpha / (1f + z * z);
        }
        float s = Logistic(alpha * x);
        return alpha * s * (1f - s);
    }

    /// <summary>
    /// 1 when <paramref name="condition"/> holds, else 0. Written through an int so the CPU JIT emits a flag set, not
    /// a jump: a float select on spikes or surrogate windows is a jump mispredicted at random, which cost the neuron
    /// kernels more than their memory traffic on the CPU accelerator.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Indicator(bool condition)
    {
        int one = condition ? 1 : 0;
        return one;
    }

    /// <summary>The logistic function 1 / (1 + exp(-z)).</summary>
    public static float Logistic(float z) => 1f / (1f + MathF.Exp(-z));
}
