using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// The output gradient as B operand of the backward-data product: element (k, n) with k = (co, kh, kw) and
/// n = (b, ih, iw) is dy[b, co, oh, ow] where oh * s = ih + p - kh and ow * s = iw + p - kw, and zero where no
/// such output position exists (outside the output, or between stride positions).
/// </summary>
public readonly struct GradientColumns : IGemmOperand
{
    private readonly ArrayView<float> dy;
    private readonly ConvGeometry g;
    private readonly PlaneWalk positions;

    /// <summary>Wraps output gradient <paramref name="dy"/> [Batch, OutChannels, OutHeight, OutWidth].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public GradientColumns(ArrayView<float> dy, ConvGeometry g)
    {
        this.dy = dy;
        this.g = g;
        positions = new PlaneWalk(g.Batch, g.Height, g.InPlaneDivisor, g.WidthDivisor, g.OutChannels * g.OutPlane, 1, g.Padding);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load<TP>(ArrayView<Float4> chunk, int start, int width, int k0, int count, ChunkWalk walk)
        where TP : struct, ITileProduct
    {
        int columns = g.Batch * g.InPlane;
        var first = new TapCursor(k0 + walk.Row, g, g.OutPlane); // decoded once per chunk
        for (int jq = walk.Column; jq < width / 4 && start + 4 * jq < columns; jq += walk.ColumnStep)
        {
            int n = start + 4 * jq;
            positions.Origins(n, out var o0, out var o1, out var o2, out var o3);
            var tap = first;
            // Stride 1 and four positions of one input row: each tap reads four neighbouring output gradients.
            bool run = PixelOrigin.Run(o0, o3, g.Stride);
            for (int kk = walk.Row; kk < count; kk += walk.RowStep, tap.Advance(walk.RowStep))
            {
                int plane = tap.Plane, kh = tap.Row, kw = tap.Column, row = o0.Row - kh, column = o0.Column - kw;
                chunk[ChunkLayout.Quad(kk, jq, width)] = run && (uint)row < (uint)g.OutHeight && column >= 0 && column + 3 < g.OutWidth
                    ? default(TP).ReadQuad(dy, o0.Offset + plane + row * g.OutWidth + column)
                    : new Float4(Read(o0, plane, kh, kw), Read(o1, plane, kh, kw), Read(o2, plane, kh, kw), Read(o3, plane, kh, kw));
            }
        }
    }


    /// <summary>dy at the output position that tap (kh, kw) of channel plane <paramref name="plane"/> connects to, or zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Read(PixelOrigin o, int plane, int kh, int kw)
    {
        int dh = o.Row - kh, dw = o.Column - kw, stride = g.Stride;
        if (dh < 0 || dw < 0)
            return 0f;
        int oh = dh, ow = dw;
        if (stride != 1)
        {
            oh = g.StrideDivisor.Divide(dh);
            ow = g.StrideDivisor.Divide(dw);
            if (oh * stride != dh || ow * stride != dw)
                return 0f;
        }
        return oh < g.OutHeight && ow < g.OutWidth ? dy[o.Offset + plane + oh * g.OutWidth + ow] : 0f;
    }
}
