using Aia.Engine.Runtime;
using Aia.Kernels;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Engine.Ops;

/// <summary>Dense matrix products (tiled GEMM kernels, see <see cref="GemmKernels"/>).</summary>
public static class MatrixProduct
{
    /// <summary>
    /// y = x weight^T + bias, a linear layer: x is [.., In] (e.g. [T, N, In] or [B, In]; leading axes are rows),
    /// weight [Out, In], bias, if any, [Out]; y is [.., Out].
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        var (rows, inputs, outputs) = Sizes(x, weight, bias);
        var d = x.Device;
        var shape = x.Shape.ToArray();
        shape[^1] = outputs;
        var y = Tensor.Empty(d, new Shape(shape));
        Forward(d, x.View, weight.View, bias?.View, y.View, rows, inputs, outputs);
        if (d.Tape.Needs(x, weight, bias))
        {
            x.PinForBackward();
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy) return;
                if (x.RequiresGrad)
                {
                    var (dx, acc) = x.GradientTarget();
                    BackwardData(d, dy.View, weight.View, dx, rows, inputs, outputs, acc);
                }
                if (weight.RequiresGrad)
                {
                    var (dw, acc) = weight.GradientTarget();
                    BackwardWeight(d, dy.View, x.View, dw, rows, inputs, outputs, acc);
                }
                if (bias is { RequiresGrad: true })
                {
                    var (db, acc) = bias.GradientTarget();
                    GemmLaunch.BiasGradient(d, dy.View, db, rows, outputs, 1, acc);
                }
            });
        }
        return y;
    }

    private static (int Rows, int Inputs, int Outputs) Sizes(Tensor x, Tensor weight, Tensor? bias)
    {
        string shapes = $"input {x.Shape}, weight {weight.Shape}" + (bias is null ? "" : $", bias {bias.Shape}");
        if (x.Shape.Rank < 2)
            throw new ArgumentException($"Linear: input must be [.., In] with at least one leading axis, got {shapes}.");
        if (weight.Shape.Rank != 2 || weight.Shape[1] != x.Shape[-1])
            throw new ArgumentException($"Linear: weight must be [Out, {x.Shape[-1]}] for this input, got {shapes}.");
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
            throw new ArgumentException($"Linear: bias must be [{weight.Shape[0]}], got {shapes}.");
        if (x.Device != weight.Device || (bias is not null && bias.Device != x.Device))
            throw new ArgumentException($"Linear: tensors live on different devices ({shapes}).");
        long rows = x.Shape.Product(0, x.Shape.Rank - 1);
        if (rows * Math.Max(x.Shape[-1], weight.Shape[0]) > int.MaxValue)
            throw new ArgumentException($"Linear: tensors over 2^31 elements are not supported ({shapes}).");
        return ((int)rows, x.Shape[-1], weight.Shape[0]);
    }

    /// <summary>
    /// y[r, o] = sum_i w[o, i] x[r, i] (+ bias[o]) as C(o, r); no tape. Split-K (partials in the arena, then
    /// <see cref="GemmKernels.SumSplitsWithBias"/>) where the tiling splits.
    /// </summary>
    public static void Forward(Device d, ArrayView<float> x, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> y,
        int rows, int inputs, int outputs, GemmTiling? tiling = null)
    {
        var t = tiling ?? ForwardTiling(d.Launches, rows, inputs, outputs);
        if (t.Splits == 1)
        {
            d.Launch(Multiply(d), GemmLaunch.Config(d, t), w, x, y, bias ?? w, new MatrixLayout(inputs, 1, inputs, 1, 1, outputs, bias is null ? 0 : 1, 0), t);
            return;
        }
        var partials = d.Arena.Allocate<float>(t.Splits * y.Length);
        d.Launch(Multiply(d), GemmLaunch.Config(d, t), w, x, partials, w, new MatrixLayout(inputs, 1, inputs, 1, 1, outputs, 0, 0), t);
        if (bias is { } b)
            d.Launch(GemmKernels.SumSplitsWithBias, d.GridStride(y.Length), partials, y, b, t.Splits, outputs);
        else
            d.Launch(GemmKernels.SumSplits, d.GridStride(y.Length), partials, y, t.Splits, 0);
    }

    /// <summary>
    /// The tilings of a linear layer's forward, backward-data and backward-weight products on a device of shape
    /// <paramref name="s"/>: C(o, r) over the inputs (split-K where the outputs are few: the classifier), C(i, r)
    /// over the outputs, C(o, i) over the rows (split-K).
    /// </summary>
    public static (GemmTiling Forward, GemmTiling BackwardData, GemmTiling BackwardWeight) Tilings(LaunchShape s, int rows, int inputs, int outputs) =>
        (ForwardTiling(s, rows, inputs, outputs), BackwardDataTiling(s, rows, inputs, outputs), BackwardWeightTiling(s, rows, inputs, outputs));

    private static GemmTiling ForwardTiling(LaunchShape s, int rows, int inputs, int outputs) => GemmLaunch.Tiling(s, outputs, rows, inputs, allowSplits: true);

    private static GemmTiling BackwardDataTiling(LaunchShape s, int rows, int inputs, int outputs) => GemmLaunch.Tiling(s, inputs, rows, outputs, allowSplits: false);

    private static GemmTiling BackwardWeightTiling(LaunchShape s, int rows, int inputs, int outputs) => GemmLaunch.Tiling(s, outputs, inputs, rows, allowSplits: true);

    /// <summary>dx[r, i] (+)= sum_o w[o, i] dy[r, o] as C(i, r); no tape.</summary>
    public static void BackwardData(Device d, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx,
        int rows, int inputs, int outputs, bool accumulate, GemmTiling? tiling = null)
    {
        var t = tiling ?? BackwardDataTiling(d.Launches, rows, inputs, outputs);
        GemmLaunch.RequireSingleSplit(t, "Linear backward-data");
        var layout = new MatrixLayout(1, inputs, outputs, 1, 1, inputs, 0, Elementwise.Flag(accumulate));
        d.Launch(Multiply(d), GemmLaunch.Config(d, t), w, dy, dx, w, layout, t);
    }

    /// <summary>dw[o, i] (+)= sum_r dy[r, o] x[r, i] (split-K over the rows where the tiles are few); no tape.</summary>
    public static void BackwardWeight(Device d, ArrayView<float> dy, ArrayView<float> x, ArrayView<float> dw,
        int rows, int inputs, int outputs, bool accumulate, GemmTiling? tiling = null)
    {
        var t = tiling ?? BackwardWeightTiling(d.Launches, rows, inputs, outputs);
        GemmLaunch.WithSplits(d, t, dw, accumulate, (target, acc) =>
            d.Launch(Multiply(d), GemmLaunch.Config(d, t), dy, x, target, dy,
                new MatrixLayout(1, outputs, 1, inputs, inputs, 1, 0, acc), t));
    }

    private static Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatrixLayout, GemmTiling> Multiply(Device d) =>
        GemmLaunch.Kernel(d, GemmKernels.Multiply<VectorTileProduct>, GemmKernels.Multiply<MicrotileProduct>);
}
