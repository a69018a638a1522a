using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// <see cref="InputColumns"/> for an input of spikes kept as bits (<see cref="PackedSpikes"/>): the same im2col matrix,
/// gathered straight from the bits, so no float copy of the spikes exists (the forward rerun of <c>--memory low</c>).
/// </summary>
public readonly struct SpikeInputColumns : IGemmOperand
{
    private readonly ArrayView<uint> bits;
    private readonly ConvGeometry g;
    private readonly PlaneWalk positions;

    /// <summary>Wraps the bits of input spikes [Batch, InChannels, Height, Width].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SpikeInputColumns(ArrayView<uint> bits, ConvGeometry g)
    {
        this.bits = bits;
        this.g = g;
        positions = new PlaneWalk(g.Batch, g.OutHeight, g.OutPlaneDivisor, g.OutWidthDivisor, g.InChannels * g.InPlane, g.Stride, -g.Padding);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load<TP>(ArrayView<Float4> chunk, int start, int width, int k0, int count, ChunkWalk walk)
        where TP : struct, ITileProduct
    {
        int columns = g.Batch * g.OutPlane, height = g.Height, imageWidth = g.Width;
        var first = new TapCursor(k0 + walk.Row, g, g.InPlane); // decoded once per chunk
        for (int jq = walk.Column; jq < width / 4 && start + 4 * jq < columns; jq += walk.ColumnStep)
        {
            int n = start + 4 * jq;
            positions.Origins(n, out var o0, out var o1, out var o2, out var o3);
            var tap = first;
            // Stride 1 and four positions of one output row: the taps read four neighbouring pixels.
            bool run = PixelOrigin.Run(o0, o3, g.Stride);
            for (int kk = walk.Row; kk < count; kk += walk.RowStep, tap.Advance(walk.RowStep))
            {
                int plane = tap.Plane, kh = tap.Row, kw = tap.Column, row = o0.Row + kh, column = o0.Column + kw;
                chunk[ChunkLayout.Quad(kk, jq, width)] = run && (uint)row < (uint)height && column >= 0 && column + 3 < imageWidth
                    ? PackedSpikes.Quad(bits, o0.Offset + plane + row * imageWidth + column)
                    : new Float4(
                        PackedSpikes.Read(bits, o0.Offset + plane, row, column, height, imageWidth),
                        PackedSpikes.Read(bits, o1.Offset + plane, o1.Row + kh, o1.Column + kw, height, imageWidth),
                        PackedSpikes.Read(bits, o2.Offset + plane, o2.Row + kh, o2.Column + kw, height, imageWidth),
                        PackedSpikes.Read(bits, o3.Offset + plane, o3.Row + kh, o3.Column + kw, height, imageWidth));
            }
        }
    }

}
