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
            for (int kk = walk.Row; kk < count; kk += walk.RowStep)
            {
                chunk[ChunkLayout.Quad(kk, jq, width)] = ChunkLayout.Strided(data, source, strideJ, valid);
                source += step;
            }
        }
    }
}
