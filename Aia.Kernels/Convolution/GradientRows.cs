using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// The output gradient as A operand of the backward-weight product: element (k, m) with k = (b, oh, ow) and
/// m = co is dy[b, co, oh, ow]; the reduction runs over every output position of every image.
/// </summary>
public readonly struct GradientRows : IGemmOperand
{
    private readonly ArrayView<float> dy;
    private readonly ConvGeometry g;

    /// <summary>Wraps output gradient <paramref name="dy"/> [Batch, OutChannels, OutHeight, OutWidth].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public GradientRows(ArrayView<float> dy, ConvGeometry g)
    {
        this.dy = dy;
        this.g = g;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load<TP>(ArrayView<Float4> chunk, int start, int width, int k0, int count, ChunkWalk walk)
        where TP : struct, ITileProduct
    {
        int outPlane = g.OutPlane, imageStride = g.OutChannels * outPlane;
        for (int jq = walk.Column; jq < width / 4 && start + 4 * jq < g.OutChannels; jq += walk.ColumnStep)
        {
            int co = start + 4 * jq, valid = g.OutChannels - co;
            int k = k0 + walk.Row, b = k / outPlane, p = k - b * outPlane;
            int plane = b * imageStride + co * outPlane;
            for (int kk = walk.Row; kk < count; kk += walk.RowStep)
            {
                chunk[ChunkLayout.Quad(kk, jq, width)] = ChunkLayout.Strided(dy, plane + p, outPlane, valid);
                p += walk.RowStep;
                while (p >= outPlane)
                {
                    p -= outPlane;
                    plane += imageStride;
                }
            }
        }
    }
}
