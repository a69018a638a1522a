using Aia.Engine.Runtime;
using Aia.Kernels;
using Aia.Kernels.Convolution;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Engine.Ops;

/// <summary>2-D convolution over NCHW tensors (implicit GEMM kernels, see <see cref="ConvolutionKernels"/>).</summary>
public static class Convolution
{
    /// <summary>
    /// y = conv2d(x, weight) + bias with the same stride and zero padding along both axes. x is
    /// [B, C, H, W] or time-major [T, N, C, H, W] (time and batch are folded into one batch); weight is
    /// [Cout, C, KH, KW]; bias, if any, [Cout]. The output keeps x's leading axes: [.., Cout, Hout, Wout].
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        var g = Geometry(x, weight, bias, stride, padding);
        var d = x.Device;
        var lead = x.Shape.ToArray()[..^3];
        var y = Tensor.Empty(d, new Shape([.. lead, g.OutChannels, g.OutHeight, g.OutWidth]));
        // Spikes that exist only as bits (a --memory low rerun) are gathered from the bits.
        if (x.Block is { IsFreed: true, SpikeBits: { } inputBits })
            ForwardFromBits(d, inputBits, weight.View, bias?.View, y.View, g);
        else
            Forward(d, x.View, weight.View, bias?.View, y.View, g);
        if (d.Tape.Needs(x, weight, bias))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy) return;
                // The weight gradient first: spikes freed after the forward are read from their bits; another input freed
                // and rebuilt for it is freed before dx exists.
                if (weight.RequiresGrad)
                {
                    var (dw, acc) = weight.GradientTarget();
                    if (x.Block is { IsFreed: true, SpikeBits: { } bits })
                    {
                        BackwardWeightFromBits(d, dy.View, bits, dw, g, acc);
                    }
                    else
                    {
                        BackwardWeight(d, dy.View, x.ReadForBackward(out var rebuilt), dw, g, acc);
                        rebuilt?.Free();
                    }
                }
                if (x.RequiresGrad)
                {
                    var (dx, acc) = x.GradientTarget();
                    BackwardData(d, dy.View, weight.View, dx, g, acc);
                }
                if (bias is { RequiresGrad: true })
                {
                    var (db, acc) = bias.GradientTarget();
                    GemmLaunch.BiasGradient(d, dy.View, db, g.Batch, g.OutChannels, g.OutPlane, acc);
                }
            });
        }
        return y;
    }

    /// <summary>Validates the shapes and returns the geometry; throws <see cref="ArgumentException"/> naming them.</summary>
    public static ConvGeometry Geometry(Tensor x, Tensor weight, Tensor? bias, int stride, int padding)
    {
        string shapes = $"input {x.Shape}, weight {weight.Shape}" + (bias is null ? "" : $", bias {bias.Shape}");
        if (x.Shape.Rank is not (4 or 5))
            throw new ArgumentException($"Conv2d: input must be [B, C, H, W] or [T, N, C, H, W], got {shapes}.");
        if (weight.Shape.Rank != 4 || weight.Shape[1] != x.Shape[-3])
            throw new ArgumentException($"Conv2d: weight must be [Cout, {x.Shape[-3]}, KH, KW] for this input, got {shapes}.");
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
            throw new ArgumentException($"Conv2d: bias must be [{weight.Shape[0]}], got {shapes}.");
        if (stride < 1 || padding < 0)
            throw new ArgumentException($"Conv2d: stride must be >= 1 and padding >= 0, got stride {stride}, padding {padding} ({shapes}).");
        if (x.Device != weight.Device || (bias is not null && bias.Device != x.Device))
            throw new ArgumentException($"Conv2d: tensors live on different devices ({shapes}).");
        var g = new ConvGeometry((int)x.Shape.Product(0, x.Shape.Rank - 3), x.Shape[-3], x.Shape[-2], x.Shape[-1],
            weight.Shape[0], weight.Shape[2], weight.Shape[3], stride, padding);
        if (g.OutHeight < 1 || g.OutWidth < 1)
            throw new ArgumentException($"Conv2d: the kernel does not fit the padded input ({shapes}, stride {stride}, padding {padding}).");
        if ((long)g.Batch * Math.Max(g.InChannels * g.InPlane, g.OutChannels * g.OutPlane) > int.MaxValue)
            throw new ArgumentException($"Conv2d: tensors over 2^31 elements are not supported ({shapes}).");
        return g;
    }

    /// <summary>y = conv(x, w) (+ bias); no tape. <paramref name="tiling"/> overrides the planned tiling (tests).</summary>
    public static void Forward(Device d, ArrayView<float> x, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> y,
        ConvGeometry g, GemmTiling? tiling = null)
    {
        var t = tiling ?? ForwardTiling(d.Launches, g);
        GemmLaunch.RequireSingleSplit(t, "Conv2d forward");
        d.Launch(GemmLaunch.Kernel(d, ConvolutionKernels.Forward<VectorTileProduct>, ConvolutionKernels.Forward<MicrotileProduct>), GemmLaunch.Config(d, t), x, w, bias ?? w, y, g, t, bias is null ? 0 : 1);
    }

    /// <summary>y = conv(x, w) (+ bias) of input spikes kept as <paramref name="bits"/>; no tape. Bit for bit <see cref="Forward"/> of the floats.</summary>
    public static void ForwardFromBits(Device d, ArrayView<uint> bits, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> y,
        ConvGeometry g, GemmTiling? tiling = null)
    {
        var t = tiling ?? ForwardTiling(d.Launches, g);
        GemmLaunch.RequireSingleSplit(t, "Conv2d forward");
        d.Launch(GemmLaunch.Kernel(d, ConvolutionKernels.ForwardFromBits<VectorTileProduct>, ConvolutionKernels.ForwardFromBits<MicrotileProduct>),
            GemmLaunch.Config(d, t), bits, w, bias ?? w, y, g, t, bias is null ? 0 : 1);
    }

    /// <summary>dx (+)= the input gradient of the convolution; no tape.</summary>
    public static void BackwardData(Device d, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, ConvGeometry g,
        bool accumulate, GemmTiling? tiling = null)
    {
        var t = tiling ?? BackwardDataTiling(d.Launches, g);
        GemmLaunch.RequireSingleSplit(t, "Conv2d backward-data");
        d.Launch(GemmLaunch.Kernel(d, ConvolutionKernels.BackwardData<VectorTileProduct>, ConvolutionKernels.BackwardData<MicrotileProduct>),
            GemmLaunch.Config(d, t), dy, w, dx, g, t, Elementwise.Flag(accumulate));
    }

    /// <summary>dw (+)= the weight gradient of the convolution (split-K where the tiles are few); no tape.</summary>
    public static void BackwardWeight(Device d, ArrayView<float> dy, ArrayView<float> x, ArrayView<float> dw, ConvGeometry g,
        bool accumulate, GemmTiling? tiling = null)
    {
        var t = tiling ?? BackwardWeightTiling(d.Launches, g);
        var kernel = GemmLaunch.Kernel(d, ConvolutionKernels.BackwardWeight<VectorTileProduct>, ConvolutionKernels.BackwardWeight<MicrotileProduct>);
        GemmLaunch.WithSplits(d, t, dw, accumulate, (target, acc) =>
            d.Launch(kernel, GemmLaunch.Config(d, t), dy, x, target, g, t, acc));
    }

    /// <summary>dw (+)= the weight gradient of the convolution of input spikes kept as <paramref name="bits"/>; no tape. Bit for bit <see cref="BackwardWeight"/> of the floats.</summary>
    public static void BackwardWeightFromBits(Device d, ArrayView<float> dy, ArrayView<uint> bits, ArrayView<float> dw, ConvGeometry g,
        bool accumulate, GemmTiling? tiling = null)
    {
        var t = tiling ?? BackwardWeightTiling(d.Launches, g);
        var kernel = GemmLaunch.Kernel(d, ConvolutionKernels.BackwardWeightFromBits<VectorTileProduct>, ConvolutionKernels.BackwardWeightFromBits<MicrotileProduct>);
        GemmLaunch.WithSplits(d, t, dw, accumulate, (target, acc) =>
            d.Launch(kernel, GemmLaunch.Config(d, t), dy, bits, target, g, t, acc));
    }

    /// <summary>
    /// The tilings of a convolution's forward (C(cout, pixel) over the patch), backward-data (C(cin, pixel) over
    /// cout x taps) and backward-weight (C(cout, patch) over the pixels, split-K) products on a device of shape
    /// <paramref name="s"/>.
    /// </summary>
    public static (GemmTiling Forward, GemmTiling BackwardData, GemmTiling BackwardWeight) Tilings(LaunchShape s, ConvGeometry g) =>
        (ForwardTiling(s, g), BackwardDataTiling(s, g), BackwardWeightTiling(s, g));

    private static GemmTiling ForwardTiling(LaunchShape s, ConvGeometry g) =>
        GemmLaunch.Tiling(s, g.OutChannels, g.Batch * g.OutPlane, g.Patch, allowSplits: false);

    private static GemmTiling BackwardDataTiling(LaunchShape s, ConvGeometry g) =>
        GemmLaunch.Tiling(s, g.InChannels, g.Batch * g.InPlane, g.OutChannels * g.Taps, allowSplits: false);

    private static GemmTiling BackwardWeightTiling(LaunchShape s, ConvGeometry g) =>
        GemmLaunch.Tiling(s, g.OutChannels, g.Patch, g.Batch * g.OutPlane, allowSplits: true);
}
