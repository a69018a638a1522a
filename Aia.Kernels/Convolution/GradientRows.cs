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
            int k = k0 + walk.Row, b = g.OutPlaneDivisor.Divide(k), p = k - b * outPlane;
            int plane = b * imageStride + co * outPlane;
            for (int kk = walk.Row; kk < count;)
            {
                int advance = walk.RowStep;
                if (walk.OwnsBlock(kk, count) && p + 3 < outPlane && valid >= 4)
                {
                    // Four steps of one image: four channels' runs of four positions, transposed into the block.
                    ChunkLayout.StoreBlock(chunk, kk, jq, width,
                        default(TP).ReadQuad(dy, plane + p), default(TP).ReadQuad(dy, plane + outPlane + p),
                        default(TP).ReadQuad(dy, plane + 2 * outPlane + p), default(TP).ReadQuad(dy, plane + 3 * outPlane + p));
                    advance = 4;
                }
                else
                {
                    chunk[ChunkLayout.Quad(kk, jq, width)] = ChunkLayout.Strided(dy, plane + p, outPlane, valid);
                }
                kk += advance;
                p += advance;
                while (p >= outPlane)
                {
                    p -= outPlane;
                    plane += imageStride;
                }
            }
        }
    }
}
