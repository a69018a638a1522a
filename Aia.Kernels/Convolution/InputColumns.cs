using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// The im2col matrix of a convolution input, B operand of the forward product, never materialised: element
/// (k, n) with k = (ci, kh, kw) and n = (b, oh, ow) is x[b, ci, oh * s - p + kh, ow * s - p + kw], zero in the
/// padding. Four neighbouring output positions are decoded once per chunk; their taps are walked incrementally.
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
    public void Load<TP>(ArrayView<Float4> chunk, int start, int width, int k0, int count, ChunkWalk walk)
        where TP : struct, ITileProduct
    {
        int columns = g.Batch * g.OutPlane, height = g.Height, imageWidth = g.Width, inPlane = g.InPlane;
        int kernelWidth = g.KernelWidth, kernelHeight = g.KernelHeight, taps = g.Taps;
        for (int jq = walk.Column; jq < width / 4 && start + 4 * jq < columns; jq += walk.ColumnStep)
        {
            int n = start + 4 * jq;
            PixelOrigin o0 = Origin(n), o1 = Origin(n + 1), o2 = Origin(n + 2), o3 = Origin(n + 3);
            int k = k0 + walk.Row, ci = k / taps, tap = k - ci * taps, kh = tap / kernelWidth, kw = tap - kh * kernelWidth;
            int plane = ci * inPlane;
            // Stride 1 and four positions of one output row: the taps read four neighbouring pixels.
            bool run = g.Stride == 1 && o3.Offset == o0.Offset && o3.Row == o0.Row && o3.Column == o0.Column + 3;
            for (int kk = walk.Row; kk < count; kk += walk.RowStep)
            {
                int row = o0.Row + kh, column = o0.Column + kw;
                chunk[ChunkLayout.Quad(kk, jq, width)] = run && (uint)row < (uint)height && column >= 0 && column + 3 < imageWidth
                    ? default(TP).ReadQuad(x, o0.Offset + plane + row * imageWidth + column)
                    : new Float4(
                        PixelOrigin.Read(x, o0.Offset + plane, row, column, height, imageWidth),
                        PixelOrigin.Read(x, o1.Offset + plane, o1.Row + kh, o1.Column + kw, height, imageWidth),
                        PixelOrigin.Read(x, o2.Offset + plane, o2.Row + kh, o2.Column + kw, height, imageWidth),
                        PixelOrigin.Read(x, o3.Offset + plane, o3.Row + kh, o3.Column + kw, height, imageWidth));
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

    /// <summary>The image, top row and left column of the receptive field of output position n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PixelOrigin Origin(int n)
    {
        if (n >= g.Batch * g.OutPlane)
            return PixelOrigin.Outside;
        int b = n / g.OutPlane, p = n - b * g.OutPlane, oh = p / g.OutWidth, ow = p - oh * g.OutWidth;
        return new PixelOrigin(b * g.InChannels * g.InPlane, oh * g.Stride - g.Padding, ow * g.Stride - g.Padding);
    }
}
