using Aia.Kernels.Convolution;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// 2-D convolution (NCHW, any kernel size, stride and padding) as three implicit GEMMs on <see cref="GemmTile"/>,
/// the im2col gathers done while staging the operands in shared memory. Launch each with the
/// <see cref="GemmTiling"/> it is given, its <see cref="GemmTiling.SharedFloats"/> of dynamic shared memory and
/// at most <see cref="GemmTiling.TileCount"/> groups, instantiated with <see cref="MicrotileProduct"/> on GPUs and
/// <see cref="VectorTileProduct"/> on the CPU accelerator.
/// </summary>
public static class ConvolutionKernels
{
    /// <summary>
    /// y = w * x (+ bias): M = OutChannels, N = Batch x OutHeight x OutWidth, K = InChannels x KernelHeight x
    /// KernelWidth. <paramref name="bias"/> is read only when <paramref name="hasBias"/> is 1.
    /// </summary>
    public static void Forward<TP>(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y,
        ConvGeometry g, GemmTiling t, int hasBias)
        where TP : struct, ITileProduct =>
        GemmTile.Multiply<MatrixOperand, InputColumns, PlanesResult, TP>(
            new MatrixOperand(w, g.OutChannels, g.Patch, 1),
            new InputColumns(x, g),
            new PlanesResult(y, g.OutChannels, g.OutPlaneDivisor, bias, hasBias, 0),
            t);

    /// <summary>
    /// <see cref="Forward{TP}"/> of an input of spikes kept as bits (<see cref="SpikeInputColumns"/>): the same products
    /// of the same 0s and 1s, so y is the float input's bit for bit, with no unpacked copy of the spikes.
    /// </summary>
    public static void ForwardFromBits<TP>(ArrayView<uint> bits, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y,
        ConvGeometry g, GemmTiling t, int hasBias)
        where TP : struct, ITileProduct =>
        GemmTile.Multiply<MatrixOperand, SpikeInputColumns, PlanesResult, TP>(
            new MatrixOperand(w, g.OutChannels, g.Patch, 1),
            new SpikeInputColumns(bits, g),
            new PlanesResult(y, g.OutChannels, g.OutPlaneDivisor, bias, hasBias, 0),
            t);

    /// <summary>
    /// dx (+)= w^T * dy as a transposed convolution: M = InChannels, N = Batch x Height x Width,
    /// K = OutChannels x KernelHeight x KernelWidth; taps that fall between stride positions contribute zero.
    /// </summary>
    public static void BackwardData<TP>(ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx,
        ConvGeometry g, GemmTiling t, int accumulate)
        where TP : struct, ITileProduct =>
        GemmTile.Multiply<TransposedWeights, GradientColumns, PlanesResult, TP>(
            new TransposedWeights(w, g),
            new GradientColumns(dy, g),
            new PlanesResult(dx, g.InChannels, g.InPlaneDivisor, dx, 0, accumulate),
            t);

    /// <summary>
    /// dw (+)= dy * im2col(x)^T: M = OutChannels, N = InChannels x KernelHeight x KernelWidth, reduction over
    /// Batch x OutHeight x OutWidth. With several splits each writes its partial product to
    /// <c>dw[split * M * N ...]</c> (a scratch buffer, <paramref name="accumulate"/> 0) for
    /// <see cref="GemmKernels.SumSplits"/>.
    /// </summary>
    public static void BackwardWeight<TP>(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> dw,
        ConvGeometry g, GemmTiling t, int accumulate)
        where TP : struct, ITileProduct =>
        GemmTile.Multiply<GradientRows, InputRows, MatrixResult, TP>(
            new GradientRows(dy, g),
            new InputRows(x, g),
            new MatrixResult(dw, g.Patch, 1, g.OutChannels * g.Patch, dw, 0, accumulate),
            t);

    /// <summary>
    /// <see cref="BackwardWeight{TP}"/> of an input of spikes kept as bits (<see cref="SpikeInputRows"/>): dw bit for bit
    /// as from the float input, with no unpacked copy of the spikes.
    /// </summary>
    public static void BackwardWeightFromBits<TP>(ArrayView<float> dy, ArrayView<uint> bits, ArrayView<float> dw,
        ConvGeometry g, GemmTiling t, int accumulate)
        where TP : struct, ITileProduct =>
        GemmTile.Multiply<GradientRows, SpikeInputRows, MatrixResult, TP>(
            new GradientRows(dy, g),
            new SpikeInputRows(bits, g),
            new MatrixResult(dw, g.Patch, 1, g.OutChannels * g.Patch, dw, 0, accumulate),
            t);
}
