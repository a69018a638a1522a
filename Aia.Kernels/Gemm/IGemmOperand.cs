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
    /// Writes element (k0 + kk, start + j) to <c>chunk[kk * width + j]</c> for kk &lt; <paramref name="count"/> and
    /// j &lt; <paramref name="width"/>, sharing the work between the group's threads as <paramref name="walk"/>
    /// says. Positions with j past the operand's end may be left unwritten: they only feed results that are never
    /// stored.
    /// </summary>
    void Load(ArrayView<float> chunk, int start, int width, int k0, int count, ChunkWalk walk);
}
