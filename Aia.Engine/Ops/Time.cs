using Aia.Engine.Runtime;
using Aia.Kernels;

namespace Aia.Engine.Ops;

/// <summary>Operations over the leading time axis of time-major tensors [T, ...].</summary>
public static class Time
{
    /// <summary>The mean over time, [T, ...] -> [...]: the network's output (logits averaged over the T steps).</summary>
    public static Tensor MeanOverTime(Tensor x)
    {
        if (x.Shape.Rank < 2)
            throw new ArgumentException($"MeanOverTime: expected a time-major tensor [T, ...] of rank >= 2, got {x.Shape}.");
        var d = x.Device;
        int steps = x.Shape[0];
        float scale = 1f / steps;
        var y = Tensor.Empty(d, new Shape(x.Shape.ToArray()[1..]));
        d.Launch(TimeKernels.SumOverTime, d.GridStride(y.Length), x.View, y.View, steps, scale);
        if (d.Tape.Needs(x))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy) return;
                var (dx, acc) = x.GradientTarget();
                d.Launch(TimeKernels.SumOverTimeBackward, d.GridStride(x.Length), dy.View, dx, scale, Elementwise.Flag(acc));
            });
        }
        return y;
    }
}
