using System.Runtime.CompilerServices;
using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// A dense strided matrix as a GEMM operand: element (k, j) = data[j * strideJ + k * strideK] for j &lt; length.
/// Row-major, transposed and column-major factors are all this with different strides.
/// </summary>
public readonly struct MatrixOperand : IGemmOperand
{
    private readonly ArrayView<float> data;
    private readonly int length;
    private readonly int strideJ;
    private readonly int strideK;

    /// <summary>Describes the operand.</summary>
    /// <param name="data">The matrix.</param>
    /// <param name="length">Number of valid j (M for A, N for B).</param>
    /// <param name="strideJ">Distance between consecutive j.</param>
    /// <param name="strideK">Distance between consecutive k.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MatrixOperand(ArrayView<float> data, int length, int strideJ, int strideK)
    {
        this.data = data;
        this.length = length;
        this.strideJ = strideJ;
        this.strideK = strideK;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load<TP>(ArrayView<Float4> chunk, int start, int width, int k0, int count, ChunkWalk walk)
        where TP : struct, ITileProduct
    {
        int step = walk.RowStep * strideK;
        for (int jq = walk.Column; jq < width / 4 && start + 4 * jq < length; jq += walk.ColumnStep)
        {
            int j = start + 4 * jq, valid = length - j;
            int source = j * strideJ + (k0 + walk.Row) * strideK;
            for (int kk = walk.Row; kk < count;)
            {
                if (walk.OwnsBlock(kk, count) && strideK == 1 && valid >= 4)
                {
                    // Four steps along k are contiguous in each of the four j: four runs, transposed into the block.
                    ChunkLayout.StoreBlock(chunk, kk, jq, width,
                        default(TP).ReadQuad(data, source), default(TP).ReadQuad(data, source + strideJ),
                        default(TP).ReadQuad(data, source + 2 * strideJ), default(TP).ReadQuad(data, source + 3 * strideJ));
                    kk += 4;
                    source += 4;
                    continue;
                }
                chunk[ChunkLayout.Quad(kk, jq, width)] = strideJ == 1 && valid >= 4
                    ? default(TP).ReadQuad(data, source)
                    : ChunkLayout.Strided(data, source, strideJ, valid);
                kk += walk.RowStep;
                source += step;
            }
        }
    }
}
