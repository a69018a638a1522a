using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// The transposed im2col matrix of a convolution input, B operand of the backward-weight product: element
/// (k, n) with k = (b, oh, ow) and n = (ci, kh, kw) is x[b, ci, oh * s - p + kh, ow * s - p + kw], zero in the
/// padding. A column (weight position) is decoded once; the output positions are walked incrementally.
/// </summary>
public readonly struct InputRows : IGemmOperand
{
    private readonly ArrayView<float> x;
    private readonly ConvGeometry g;

    /// <summary>Wraps input <paramref name="x"/> [Batch, InChannels, Height, Width].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public InputRows(ArrayView<float> x, ConvGeometry g)
    {
        this.x = x;
        this.g = g;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load(ArrayView<float> chunk, int start, int width, int k0, int count, ChunkWalk walk)
    {
        int taps = g.Taps, kernelWidth = g.KernelWidth, outPlane = g.OutPlane, outWidth = g.OutWidth;
        int outHeight = g.OutHeight, height = g.Height, imageWidth = g.Width, inPlane = g.InPlane;
        int imageStride = g.InChannels * inPlane, stride = g.Stride, rowStep = walk.RowStep * width;
        for (int j = walk.Column; j < width && start + j < g.Patch; j += walk.ColumnStep)
        {
            int n = start + j, ci = n / taps, tap = n - ci * taps, kh = tap / kernelWidth, kw = tap - kh * kernelWidth;
            int k = k0 + walk.Row, b = k / outPlane, p = k - b * outPlane, oh = p / outWidth, ow = p - oh * outWidth;
            int plane = b * imageStride + ci * inPlane, dh = kh - g.Padding, dw = kw - g.Padding;
            int at = walk.Row * width + j;
            for (int kk = walk.Row; kk < count; kk += walk.RowStep)
            {
                int ih = oh * stride + dh, iw = ow * stride + dw;
                chunk[at] = (uint)ih < (uint)height && (uint)iw < (uint)imageWidth ? x[plane + ih * imageWidth + iw] : 0f;
                at += rowStep;
                ow += walk.RowStep;
                while (ow >= outWidth)
                {
                    ow -= outWidth;
                    oh++;
                }
                while (oh >= outHeight)
                {
                    oh -= outHeight;
                    plane += imageStride;
                }
            }
        }
    }
}
