using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// One factor of a tiled matrix product C = A B, seen k-major: element (k, j), where j is the row m of A or the
/// column n of B and k runs along the reduction. An operand knows its own memory layout (a plain matrix, the
/// im2col view of a convolution input, ...) and gathers one chunk of it into shared memory.
/// </summary>
public interface IGemmOperand
{
    /// <summary>
    /// Writes elements (k0 + kk, start + 4 jq + i), i &lt; 4, as the quad
    /// <c>chunk[ChunkLayout.Quad(kk, jq, width)]</c> for kk &lt; <paramref name="count"/> and jq &lt; width / 4,
    /// zero past the operand's end, sharing the quads between the group's threads as <paramref name="walk"/>
    /// says. Quads that lie wholly past the end may be left unwritten: they only feed results that are never stored.
    /// </summary>
    /// <typeparam name="TP">The launch's tile product, whose <see cref="ITileProduct.ReadQuad"/> reads runs of four.</typeparam>
    void Load<TP>(ArrayView<Float4> chunk, int start, int width, int k0, int count, ChunkWalk walk)
        where TP : struct, ITileProduct;
}
