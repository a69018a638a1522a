using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// The output gradient as B operand of the backward-data product: element (k, n) with k = (co, kh, kw) and
/// n = (b, ih, iw) is dy[b, co, oh, ow] where oh * s = ih + p - kh and ow * s = iw + p - kw, and zero where no
/// such output position exists (outside the output, or not on the stride grid).
/// </summary>
public readonly struct GradientColumns : IGemmOperand
{
    private readonly ArrayView<float> dy;
    private readonly ConvGeometry g;

    /// <summary>Wraps output gradient <paramref name="dy"/> [Batch, OutChannels, OutHeight, OutWidth].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public GradientColumns(ArrayView<float> dy, ConvGeometry g)
    {
        this.dy = dy;
        this.g = g;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load(ArrayView<float> chunk, int start, int width, int k0, int count, ChunkWalk walk)
    {
        int columns = g.Batch * g.InPlane, inPlane = g.InPlane, imageWidth = g.Width, outPlane = g.OutPlane;
        int outHeight = g.OutHeight, outWidth = g.OutWidth, kernelWidth = g.KernelWidth, taps = g.Taps;
        int stride = g.Stride, pad = g.Padding, rowStep = walk.RowStep * width;
        for (int j = walk.Column; j < width && start + j < columns; j += walk.ColumnStep)
        {
            int n = start + j, b = n / inPlane, p = n - b * inPlane, ih = p / imageWidth, iw = p - ih * imageWidth;
            int k = k0 + walk.Row, co = k / taps, tap = k - co * taps, kh = tap / kernelWidth, kw = tap - kh * kernelWidth;
            int plane = (b * g.OutChannels + co) * outPlane;
            int at = walk.Row * width + j;
            for (int kk = walk.Row; kk < count; kk += walk.RowStep)
            {
                int dh = ih + pad - kh, dw = iw + pad - kw;
                float v = 0f;
                if (dh >= 0 && dw >= 0)
                {
                    int oh = dh, ow = dw;
                    if (stride != 1)
                    {
                        oh = dh / stride;
                        ow = dw / stride;
                    }
                    if (oh < outHeight && ow < outWidth && oh * stride == dh && ow * stride == dw)
                        v = dy[plane + oh * outWidth + ow];
                }
                chunk[at] = v;
                at += rowStep;
                kw += walk.RowStep;
                while (kw >= kernelWidth)
                {
                    kw -= kernelWidth;
                    kh++;
                }
                while (kh >= g.KernelHeight)
                {
                    kh -= g.KernelHeight;
                    plane += outPlane;
                }
            }
        }
    }
}
