using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// How the threads of a group multiply the staged chunks into their tile (<see cref="GemmTile"/>'s type
/// parameter, chosen per accelerator at launch): <see cref="MicrotileProduct"/>, register microtiles that every
/// backend compiles (GPUs, and the CPU where wanted), or <see cref="VectorTileProduct"/>, the CPU accelerator's SIMD
/// path. Both add the products in the same order with the same roundings, so they agree bit for bit.
/// </summary>
public interface ITileProduct
{
    /// <summary>Whether <see cref="Accumulate"/> does the work (else <see cref="GemmTile"/>'s microtile loop does).</summary>
    bool WholeTile { get; }

    /// <summary>
    /// Adds the staged chunk product A B over <paramref name="steps"/> reduction steps (a multiple of 4, the
    /// tail zeroed; A at float 0 of <paramref name="shared"/>, B at float <paramref name="b"/>, both in
    /// <see cref="ChunkLayout"/>) to the rows of the parked tile this thread owns: row quads <paramref name="thread"/>,
    /// <paramref name="thread"/> + <paramref name="threads"/>, ... below <paramref name="rows"/>. The parked tile is
    /// [TileM][TileN] row-major at float <paramref name="park"/> of <paramref name="shared"/>; with
    /// <paramref name="first"/> = 1 it starts from zero instead of its parked values.
    /// </summary>
    void Accumulate(ArrayView<float> shared, int tileM, int tileN, int b, int steps, int park, int rows, int first, int thread, int threads);

    /// <summary>
    /// view[index] .. view[index + 3] as one quad, for any index (the operands' contiguous runs, e.g. four
    /// neighbouring pixels of a stride-1 convolution): four reads, or one unaligned vector load on the CPU.
    /// </summary>
    Float4 ReadQuad(ArrayView<float> view, int index);
}
