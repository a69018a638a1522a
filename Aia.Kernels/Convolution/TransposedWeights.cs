using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// The weights as A operand of the backward-data product: element (k, m) with k = (co, kh, kw) and m = ci is
/// w[co, ci, kh, kw], the transposed (input-channel-major) view of the forward weight matrix.
/// </summary>
public readonly struct TransposedWeights : IGemmOperand
{
    private readonly ArrayView<float> w;
    private readonly ConvGeometry g;

    /// <summary>Wraps weight <paramref name="w"/> [OutChannels, InChannels, KernelHeight, KernelWidth].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TransposedWeights(ArrayView<float> w, ConvGeometry g)
    {
        this.w = w;
        this.g = g;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load(ArrayView<float> chunk, int start, int width, int k0, int count, ChunkWalk walk)
    {
        int taps = g.Taps, outerStride = g.InChannels * taps, rowStep = walk.RowStep * width;
        for (int j = walk.Column; j < width && start + j < g.InChannels; j += walk.ColumnStep)
        {
            int k = k0 + walk.Row, co = k / taps, tap = k - co * taps;
            int filter = co * outerStride + (start + j) * taps;
            int at = walk.Row * width + j;
            for (int kk = walk.Row; kk < count; kk += walk.RowStep)
            {
                chunk[at] = w[filter + tap];
                at += rowStep;
                tap += walk.RowStep;
                while (tap >= taps)
                {
                    tap -= taps;
                    filter += outerStride;
                }
            }
        }
    }
}
