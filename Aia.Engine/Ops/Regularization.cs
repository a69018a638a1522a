using Aia.Engine.Runtime;
using Aia.Kernels;

namespace Aia.Engine.Ops;

/// <summary>Stochastic regularisers whose randomness is drawn on the device from a seed and a step counter.</summary>
public static class Regularization
{
    /// <summary>
    /// Dropout (training mode): zeroes each element with probability <paramref name="p"/> and scales the rest by
    /// 1 / (1 - p). The mask is a hash of (seed, step, element index) computed in the kernel, so it is never
    /// stored: the same (seed, step) gives the same mask, the backward redraws it, and a resumed run that
    /// restores the step counter draws the same masks. With <paramref name="sharedOverTime"/> the mask of a
    /// time-major tensor [T, ...] is the same at every time step (one mask per neuron, common in SNNs).
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, ulong seed, long step, bool sharedOverTime = false)
    {
        if (!(p >= 0f && p < 1f))
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: the drop probability must be in [0, 1), got {p}.");
        if (sharedOverTime && x.Shape.Rank < 2)
            throw new ArgumentException($"Dropout: a mask shared over time needs a time-major tensor [T, ...], got {x.Shape}.");
        var d = x.Device;
        ulong key = new Rng(new Rng(seed).NextUInt64() + (ulong)step).NextUInt64();
        uint key0 = (uint)key, key1 = (uint)(key >> 32);
        uint threshold = (uint)Math.Round(p * (double)(1 << 24));
        float scale = 1f / (1f - p);
        int period = (int)(sharedOverTime ? x.Length / x.Shape[0] : x.Length);
        var y = Tensor.Empty(d, x.Shape);
        d.Launch(DropoutKernels.Forward, d.GridStride(y.Length), x.View, y.View, key0, key1, threshold, scale, period);
        if (d.Tape.Needs(x))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy) return;
                var (dx, acc) = x.GradientTarget();
                d.Launch(DropoutKernels.Backward, d.GridStride(x.Length), dy.View, dx, key0, key1, threshold, scale, period,
                    Elementwise.Flag(acc));
            });
        }
        return y;
    }
}
