using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Dense matrix products for linear layers, the deterministic split-K combine, and per-channel bias gradients.
/// </summary>
public static class GemmKernels
{
    /// <summary>
    /// C = A B (+ bias per row of C) over strided matrices: A(m, k) = a[m * aStrideM + k * aStrideK],
    /// B(k, n) = b[n * bStrideN + k * bStrideK], C(m, n) = c[split * M * N + m * cStrideM + n * cStrideN].
    /// Launch like <see cref="ConvolutionKernels.Forward{TP}"/>.
    /// </summary>
    public static void Multiply<TP>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias,
        MatrixLayout layout, GemmTiling t)
        where TP : struct, ITileProduct =>
        GemmTile.Multiply<MatrixOperand, MatrixOperand, MatrixResult, TP>(
            new MatrixOperand(a, t.M, layout.AStrideM, layout.AStrideK),
            new MatrixOperand(b, t.N, layout.BStrideN, layout.BStrideK),
            new MatrixResult(c, layout.CStrideM, layout.CStrideN, t.M * t.N, bias, layout.HasBias, layout.Accumulate),
            t);

    /// <summary>
    /// y[i] (+)= partials[0 * n + i] + partials[1 * n + i] + ... in split order, n = y.Length: the combine of a
    /// split-K product, deterministic because every element is summed by one thread in a fixed order.
    /// </summary>
    public static void SumSplits(ArrayView<float> partials, ArrayView<float> y, int splits, int accumulate)
    {
        int n = y.IntLength, step = GridStride.Step;
        for (int i = GridStride.Start; i < n; i += step)
        {
            float s = 0f;
            for (int k = 0; k < splits; k++)
                s += partials[k * n + i];
            y[i] = accumulate != 0 ? y[i] + s : s;
        }
    }

    /// <summary>
    /// y[i] = partials[0 * n + i] + partials[1 * n + i] + ... + bias[i % period], n = y.Length: the combine of a
    /// split-K linear forward (y [rows, period], the bias per output), in split order like <see cref="SumSplits"/>.
    /// </summary>
    public static void SumSplitsWithBias(ArrayView<float> partials, ArrayView<float> y, ArrayView<float> bias, int splits, int period)
    {
        int n = y.IntLength, step = GridStride.Step;
        for (int i = GridStride.Start; i < n; i += step)
        {
            float s = 0f;
            for (int k = 0; k < splits; k++)
                s += partials[k * n + i];
            y[i] = s + bias[i % period];
        }
    }

    /// <summary>
    /// db[c] (+)= sum over r &lt; rows and p &lt; plane of dy[(r * channels + c) * plane + p]: the bias gradient of a
    /// convolution (plane = output pixels) or a linear layer (plane = 1). One group per channel (grid-stride over
    /// channels), a fixed-order group reduction, no atomics.
    /// </summary>
    public static void BiasGradient(ArrayView<float> dy, ArrayView<float> db, int rows, int channels, int plane, int accumulate)
    {
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX, count = rows * plane;
        for (int c = Grid.IdxX; c < channels; c += groups)
        {
            float s = 0f;
            for (int i = thread; i < count; i += threads)
            {
                int r = i / plane;
                s += dy[(r * channels + c) * plane + i - r * plane];
            }
            s = GroupReduce.Sum(s);
            if (thread == 0)
                db[c] = accumulate != 0 ? db[c] + s : s;
        }
    }
}
