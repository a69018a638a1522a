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
    public void Load<TP>(ArrayView<Float4> chunk, int start, int width, int k0, int count, ChunkWalk walk)
        where TP : struct, ITileProduct
    {
        int taps = g.Taps, filterStride = g.InChannels * taps;
        for (int jq = walk.Column; jq < width / 4 && start + 4 * jq < g.InChannels; jq += walk.ColumnStep)
        {
            int ci = start + 4 * jq, valid = g.InChannels - ci;
            int k = k0 + walk.Row, co = g.TapsDivisor.Divide(k), tap = k - co * taps;
            int filter = co * filterStride + ci * taps;
            for (int kk = walk.Row; kk < count; kk += walk.RowStep)
            {
                chunk[ChunkLayout.Quad(kk, jq, width)] = ChunkLayout.Strided(w, filter + tap, taps, valid);
                tap += walk.RowStep;
                while (tap >= taps)
                {
                    tap -= taps;
                    filter += filterStride;
                }
            }
        }
    }
}
