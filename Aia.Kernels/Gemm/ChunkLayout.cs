using System.Runtime.CompilerServices;
using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// How a staged [count][width] chunk sits in shared memory: blocks of 4 reduction steps x 4 rows or columns
/// (<see cref="Float4x4"/>), k-block major. An operand writes one <see cref="Float4"/> (four neighbouring rows
/// or columns at one step) per access; a microtile reads the operand of four steps with one access.
/// </summary>
public static class ChunkLayout
{
    /// <summary>The quad index of step <paramref name="kk"/>, columns 4 jq .. 4 jq + 3, in a chunk <paramref name="width"/> wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Quad(int kk, int jq, int width) => (kk >> 2) * width + jq * 4 + (kk & 3);

    /// <summary>
    /// view[at], view[at + stride], view[at + 2 stride], view[at + 3 stride], the first <paramref name="valid"/>
    /// of them (zero past the end of an operand).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float4 Strided(ArrayView<float> view, int at, int stride, int valid) => new(
        view[at],
        valid > 1 ? view[at + stride] : 0f,
        valid > 2 ? view[at + 2 * stride] : 0f,
        valid > 3 ? view[at + 3 * stride] : 0f);

    /// <summary>
    /// Stores steps kk .. kk + 3 (kk a multiple of 4) of quad column <paramref name="jq"/> from four runs along the
    /// reduction, one per row or column of the quad: step kk + j gets (r0[j], r1[j], r2[j], r3[j]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBlock(ArrayView<Float4> chunk, int kk, int jq, int width, Float4 r0, Float4 r1, Float4 r2, Float4 r3)
    {
        int at = Quad(kk, jq, width);
        chunk[at] = new Float4(r0.X, r1.X, r2.X, r3.X);
        chunk[at + 1] = new Float4(r0.Y, r1.Y, r2.Y, r3.Y);
        chunk[at + 2] = new Float4(r0.Z, r1.Z, r2.Z, r3.Z);
        chunk[at + 3] = new Float4(r0.W, r1.W, r2.W, r3.W);
    }
}
