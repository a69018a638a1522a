using Aia.Engine.Models;
using System.Numerics;
using Aia.Engine.Nn.Neurons;

namespace Aia.Engine.Verification.References;

/// <summary>
/// Plain C# spiking neurons: the forward time loop in any precision (float mirrors the kernels operation for
/// operation; double drives finite differences) and a hand-written BPTT in double (see docs/aia-model.md).
/// </summary>
public static class NeuronReference
{
    /// <summary>
    /// u[t] = decay u[t-1] (1 - r[t-1]) + beta[c] x[t], o[t] = H(u[t] - Vth) (or the smooth sigmoid when
    /// <see cref="NeuronOptions.SmoothSlope"/> &gt; 0), with r = o, or r = <paramref name="resetSpikes"/> when given
    /// (a frozen reset: the value a detached reset has, for finite differences of the detached gradient).
    /// </summary>
    /// <returns>The spikes o and the potentials u before reset.</returns>
    public static (T[] Spikes, T[] Potentials) Forward<T>(ReadOnlySpan<T> x, NeuronLayout layout, T decay, NeuronOptions options,
        ReadOnlySpan<T> beta = default, ReadOnlySpan<T> resetSpikes = default) where T : IFloatingPointIeee754<T>
    {
        int m = layout.Neurons;
        var o = new T[x.Length];
        var u = new T[x.Length];
        for (int i = 0; i < m; i++)
        {
            T scale = beta.IsEmpty ? T.One : beta[layout.Channel(i)];
            T kept = T.Zero;
            for (int t = 0, k = i; t < layout.Steps; t++, k += m)
            {
                u[k] = decay * kept + scale * x[k];
                o[k] = Fire(u[k], options);
                kept = u[k] * (T.One - (resetSpikes.IsEmpty ? o[k] : resetSpikes[k]));
            }
        }
        return (o, u);
    }

    /// <summary>
    /// BPTT in double from g = dL/do and the saved potentials u (float, as the kernels save them), for a layer of
    /// <paramref name="kind"/> with leak <paramref name="decay"/>. x is read by AIA and cached AIA, beta by cached AIA.
    /// </summary>
    public static NeuronGradients Backward(NeuronKind kind, ReadOnlySpan<float> g, ReadOnlySpan<float> u, ReadOnlySpan<float> x,
        ReadOnlySpan<float> beta, NeuronLayout layout, double decay, NeuronOptions options)
    {
        int m = layout.Neurons;
        var dx = new double[g.Length];
        var dbeta = new double[layout.Channels];
        double dDecay = 0;
        double threshold = options.Threshold;
        for (int i = 0; i < m; i++)
        {
            int c = layout.Channel(i);
            double scale = kind == NeuronKind.CachedAia ? beta[c] : 1.0;
            double next = 0;
            for (int t = layout.Steps - 1; t >= 0; t--)
            {
                int k = t * m + i;
                double ut = u[k];
                double keep = 1.0 - Fire(ut, options);
                double dOut = g[k] - (options.DetachReset ? 0.0 : next * decay * ut);
                dDecay += next * ut * keep;
                double du = dOut * FireDerivative(ut - threshold, options) + next * decay * keep;
                dx[k] = kind == NeuronKind.Aia ? x[k] * du : scale * du;
                if (kind == NeuronKind.CachedAia)
                    dbeta[c] += du * x[k];
                next = du;
            }
        }
        return new NeuronGradients(dx, dbeta, dDecay);
    }

    /// <summary>The spike: H(u - Vth) with H(0) = 1, or sigmoid(k (u - Vth)) in the smooth mode.</summary>
    public static T Fire<T>(T u, NeuronOptions options) where T : IFloatingPointIeee754<T>
    {
        T threshold = T.CreateChecked(options.Threshold);
        if (options.SmoothSlope > 0f)
            return T.One / (T.One + T.Exp(-(T.CreateChecked(options.SmoothSlope) * (u - threshold))));
        return u >= threshold ? T.One : T.Zero;
    }

    /// <summary>do/du at x = u - Vth: the surrogate of <paramref name="options"/>, or the exact smooth derivative.</summary>
    public static double FireDerivative(double x, NeuronOptions options) => options.SmoothSlope > 0f
        ? SurrogateDerivative(SurrogateFunction.Sigmoid, x, options.SmoothSlope)
        : SurrogateDerivative(options.Surrogate, x, options.ResolvedAlpha);

    /// <summary>The surrogate derivatives written out in double.</summary>
    public static double SurrogateDerivative(SurrogateFunction f, double x, double alpha)
    {
        switch (f)
        {
            case SurrogateFunction.Rectangular:
                return Math.Abs(x) < alpha / 2 ? 1 / alpha : 0;
            case SurrogateFunction.Triangle:
                return Math.Max(0, 1 - Math.Abs(x) / alpha) / alpha;
            case SurrogateFunction.ATan:
                double z = Math.PI / 2 * alpha * x;
                return alpha / 2 / (1 + z * z);
            default:
                double s = 1 / (1 + Math.Exp(-alpha * x));
                return alpha * s * (1 - s);
        }
    }
}
