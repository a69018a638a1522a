using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// The im2col matrix of a convolution input, B operand of the forward product, never materialised: element
/// (k, n) with k = (ci, kh, kw) and n = (b, oh, ow) is x[b, ci, oh * s - p + kh, ow * s - p + kw], zero in the
/// padding. A column (output position) is decoded once; its taps are walked incrementally.
/// </summary>
public readonly struct InputColumns : IGemmOperand
{
    private readonly ArrayView<float> x;
    private readonly ConvGeometry g;

    /// <summary>Wraps input <paramref name="x"/> [Batch, InChannels, Height, Width].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public InputColumns(ArrayView<float> x, ConvGeometry g)
    {
        this.x = x;
        this.g = g;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load(ArrayView<float> chunk, int start, int width, int k0, int count, ChunkWalk walk)
    {
        int columns = g.Batch * g.OutPlane, outPlane = g.OutPlane, outWidth = g.OutWidth;
        int height = g.Height, imageWidth = g.Width, inPlane = g.InPlane, kernelWidth = g.KernelWidth;
        int kernelHeight = g.KernelHeight, taps = g.Taps, stride = g.Stride, pad = g.Padding;
        int rowStep = walk.RowStep * width;
        for (int j = walk.Column; j < width && start + j < columns; j += walk.ColumnStep)
        {
            int n = start + j, b = n / outPlane, p = n - b * outPlane, oh = p / outWidth, ow = p - oh * outWidth;
            int ih0 = oh * stride - pad, iw0 = ow * stride - pad, image = b * g.InChannels * inPlane;
            int k = k0 + walk.Row, ci = k / taps, tap = k - ci * taps, kh = tap / kernelWidth, kw = tap - kh * kernelWidth;
            int plane = image + ci * inPlane;
            int at = walk.Row * width + j;
            for (int kk = walk.Row; kk < count; kk += walk.RowStep)
            {
                int ih = ih0 + kh, iw = iw0 + kw;
                chunk[at] = (uint)ih < (uint)height && (uint)iw < (uint)imageWidth ? x[plane + ih * imageWidth + iw] : 0f;
                at += rowStep;
                kw += walk.RowStep;
                while (kw >= kernelWidth)
                {
                    kw -= kernelWidth;
                    kh++;
                }
                while (kh >= kernelHeight)
                {
                    kh -= kernelHeight;
                    plane += inPlane;
                }
            }
        }
    }
}
