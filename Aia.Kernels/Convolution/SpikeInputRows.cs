using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// <see cref="InputRows"/> for an input of spikes kept as bits (<see cref="PackedSpikes"/>): the same transposed im2col
/// matrix of the backward-weight product, gathered straight from the bits, so the weight gradient needs no unpacked copy.
/// </summary>
public readonly struct SpikeInputRows : IGemmOperand
{
    private readonly ArrayView<uint> bits;
    private readonly ConvGeometry g;
    private readonly PlaneWalk taps;

    /// <summary>Wraps the bits of input spikes [Batch, InChannels, Height, Width].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SpikeInputRows(ArrayView<uint> bits, ConvGeometry g)
    {
        this.bits = bits;
        this.g = g;
        taps = new PlaneWalk(g.InChannels, g.KernelHeight, g.TapsDivisor, g.KernelWidthDivisor, g.InPlane, 1, -g.Padding);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load<TP>(ArrayView<Float4> chunk, int start, int width, int k0, int count, ChunkWalk walk)
        where TP : struct, ITileProduct
    {
        int outPlane = g.OutPlane, outWidth = g.OutWidth, outHeight = g.OutHeight, height = g.Height;
        int imageWidth = g.Width, imageStride = g.InChannels * g.InPlane, stride = g.Stride;
        for (int jq = walk.Column; jq < width / 4 && start + 4 * jq < g.Patch; jq += walk.ColumnStep)
        {
            int n = start + 4 * jq;
            taps.Origins(n, out var o0, out var o1, out var o2, out var o3);
            int k = k0 + walk.Row, b = g.OutPlaneDivisor.Divide(k), p = k - b * outPlane, oh = g.OutWidthDivisor.Divide(p), ow = p - oh * outWidth;
            int image = b * imageStride;
            for (int kk = walk.Row; kk < count;)
            {
                int top = oh * stride, left = ow * stride, advance = walk.RowStep;
                if (walk.OwnsBlock(kk, count) && stride == 1 && ow + 3 < outWidth
                    && Inside(o0, top, left) && Inside(o1, top, left) && Inside(o2, top, left) && Inside(o3, top, left))
                {
                    // Four steps along one output row: each of the four taps reads four neighbouring pixels.
                    ChunkLayout.StoreBlock(chunk, kk, jq, width,
                        PackedSpikes.Quad(bits, image + o0.Offset + (top + o0.Row) * imageWidth + left + o0.Column),
                        PackedSpikes.Quad(bits, image + o1.Offset + (top + o1.Row) * imageWidth + left + o1.Column),
                        PackedSpikes.Quad(bits, image + o2.Offset + (top + o2.Row) * imageWidth + left + o2.Column),
                        PackedSpikes.Quad(bits, image + o3.Offset + (top + o3.Row) * imageWidth + left + o3.Column));
                    advance = 4;
                }
                else
                {
                    chunk[ChunkLayout.Quad(kk, jq, width)] = new Float4(
                        PackedSpikes.Read(bits, image + o0.Offset, top + o0.Row, left + o0.Column, height, imageWidth),
                        PackedSpikes.Read(bits, image + o1.Offset, top + o1.Row, left + o1.Column, height, imageWidth),
                        PackedSpikes.Read(bits, image + o2.Offset, top + o2.Row, left + o2.Column, height, imageWidth),
                        PackedSpikes.Read(bits, image + o3.Offset, top + o3.Row, left + o3.Column, height, imageWidth));
                }
                kk += advance;
                ow += advance;
                while (ow >= outWidth)
                {
                    ow -= outWidth;
                    oh++;
                }
                while (oh >= outHeight)
                {
                    oh -= outHeight;
                    image += imageStride;
                }
            }
        }
    }

    /// <summary>Whether the tap of <paramref name="o"/> reads four pixels inside the image from output position (top, left) on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Inside(PixelOrigin o, int top, int left)
    {
        int row = top + o.Row, column = left + o.Column;
        return (uint)row < (uint)g.Height && column >= 0 && column + 3 < g.Width;
    }

}
