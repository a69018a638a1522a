using Aia.Engine.Runtime;
using Aia.Kernels;
using KernelConfig = ILGPU.KernelConfig;

namespace Aia.Engine.Ops;

/// <summary>Reductions to a scalar, deterministic (per-group partials, then one group).</summary>
public static class Reduction
{
    /// <summary>scale * sum(x) as a one-element tensor.</summary>
    public static Tensor Sum(Tensor x, float scale = 1f)
    {
        var d = x.Device;
        var y = Tensor.Empty(d, new Shape(1));
        SumInto(d, x.View, y.View, scale, accumulate: false);
        if (d.Tape.Needs(x))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } g) return;
                var (dx, acc) = x.GradientTarget();
                d.Launch(ReductionKernels.SumBackward, d.GridStride(x.Length), g.View, dx, scale, Elementwise.Flag(acc));
            });
        }
        return y;
    }

    /// <summary>The mean of all elements.</summary>
    public static Tensor Mean(Tensor x) => Sum(x, 1f / x.Length);

    /// <summary>y[0] = scale * sum(x) (+ y[0]); no tape. Used by ops that need a device-side scalar.</summary>
    public static void SumInto(Device d, ILGPU.ArrayView<float> x, ILGPU.ArrayView<float> y, float scale, bool accumulate)
    {
        var config = d.GridStride(x.Length);
        var partials = d.Arena.Allocate<float>(config.GridDim.X);
        d.Launch(ReductionKernels.SumPartials, config, x, partials);
        d.Launch(ReductionKernels.SumFinal, new KernelConfig(1, d.GroupSize), partials, y, scale, Elementwise.Flag(accumulate));
    }
}
