using System.Runtime.CompilerServices;
using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// The tensor-core product: the warps of the group share the tile's m16n8 blocks and multiply the staged chunk with
/// <see cref="ITensorCore"/> (mma.sync, FP32 accumulation) into the parked tile (<see cref="WholeTile"/>), TF32
/// (m16n8k8) or BF16 (m16n8k16) inputs as <typeparamref name="TF"/> says. Fragments are read from the chunk's
/// <see cref="ChunkLayout"/>, zero past the tile and past <c>steps</c>; each block's accumulators start from the
/// parked tile (or zero on the first chunk) and go back to it; a group barrier ends the call, so the parked tile
/// is complete for <see cref="GemmTile"/>'s store. Needs warps of 32 and groups of whole warps.
/// </summary>
/// <typeparam name="TC">The instruction: <see cref="CudaTensorCore"/> on CUDA, <see cref="WarpTensorCore"/> in tests.</typeparam>
/// <typeparam name="TF">The input format: <see cref="Tf32Format"/> or <see cref="Bf16Format"/>.</typeparam>
public readonly struct TensorCoreTileProduct<TC, TF> : ITileProduct
    where TC : struct, ITensorCore
    where TF : struct, ITensorFormat
{
    /// <inheritdoc/>
    public bool WholeTile => true;

    /// <inheritdoc/>
    public void Accumulate(ArrayView<float> shared, int tileM, int tileN, int b, int steps, int park, int rows, int first, int thread, int threads)
    {
        var core = default(TC);
        bool bf16 = default(TF).Bf16;
        int lane = thread & 31, warp = thread >> 5, warps = threads >> 5;
        int g = lane >> 2, t = lane & 3, depth = bf16 ? 16 : 8;
        int blocksN = (tileN + 7) >> 3, blocks = ((tileM + 15) >> 4) * blocksN;
        for (int block = warp; block < blocks; block += warps)
        {
            int bm = block / blocksN, bn = block - bm * blocksN;
            int m0 = 16 * bm + g, m1 = m0 + 8, n = 8 * bn + 2 * t, nb = 8 * bn + g;
            var c = first != 0
                ? new Float4(0f, 0f, 0f, 0f)
                : new Float4(Parked(shared, park, tileM, tileN, m0, n), Parked(shared, park, tileM, tileN, m0, n + 1),
                    Parked(shared, park, tileM, tileN, m1, n), Parked(shared, park, tileM, tileN, m1, n + 1));
            for (int k = 0; k < steps; k += depth)
            {
                if (bf16)
                {
                    int k0 = k + 2 * t, k1 = k0 + 8;
                    c = core.Bf16(c,
                        core.PackBf16(A(shared, tileM, steps, m0, k0), A(shared, tileM, steps, m0, k0 + 1)),
                        core.PackBf16(A(shared, tileM, steps, m1, k0), A(shared, tileM, steps, m1, k0 + 1)),
                        core.PackBf16(A(shared, tileM, steps, m0, k1), A(shared, tileM, steps, m0, k1 + 1)),
                        core.PackBf16(A(shared, tileM, steps, m1, k1), A(shared, tileM, steps, m1, k1 + 1)),
                        core.PackBf16(B(shared, b, tileN, steps, k0, nb), B(shared, b, tileN, steps, k0 + 1, nb)),
                        core.PackBf16(B(shared, b, tileN, steps, k1, nb), B(shared, b, tileN, steps, k1 + 1, nb)));
                }
                else
                {
                    int k0 = k + t, k1 = k0 + 4;
                    c = core.Tf32(c,
                        core.ToTf32(A(shared, tileM, steps, m0, k0)), core.ToTf32(A(shared, tileM, steps, m1, k0)),
                        core.ToTf32(A(shared, tileM, steps, m0, k1)), core.ToTf32(A(shared, tileM, steps, m1, k1)),
                        core.ToTf32(B(shared, b, tileN, steps, k0, nb)), core.ToTf32(B(shared, b, tileN, steps, k1, nb)));
                }
            }
            Park(shared, park, tileM, tileN, m0, n, c.X);
            Park(shared, park, tileM, tileN, m0, n + 1, c.Y);
            Park(shared, park, tileM, tileN, m1, n, c.Z);
            Park(shared, park, tileM, tileN, m1, n + 1, c.W);
        }
        Group.Barrier();
    }

    /// <inheritdoc/>
    public Float4 ReadQuad(ArrayView<float> view, int index) => new(view[index], view[index + 1], view[index + 2], view[index + 3]);

    /// <summary>A(m, kk) of the staged chunk (<see cref="ChunkLayout"/>, A at float 0), zero past the tile or the steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float A(ArrayView<float> shared, int tileM, int steps, int m, int kk) =>
        m < tileM && kk < steps ? shared[Element(kk, m, tileM)] : 0f;

    /// <summary>B(kk, n) of the staged chunk (B at float <paramref name="b"/>), zero past the tile or the steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float B(ArrayView<float> shared, int b, int tileN, int steps, int kk, int n) =>
        n < tileN && kk < steps ? shared[b + Element(kk, n, tileN)] : 0f;

    /// <summary>Float index of element (kk, j) of a chunk <paramref name="width"/> wide: quad <see cref="ChunkLayout.Quad"/>, lane j % 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Element(int kk, int j, int width) => 4 * ChunkLayout.Quad(kk, j >> 2, width) + (j & 3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Parked(ArrayView<float> shared, int park, int tileM, int tileN, int m, int n) =>
        m < tileM && n < tileN ? shared[park + m * tileN + n] : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Park(ArrayView<float> shared, int park, int tileM, int tileN, int m, int n, float value)
    {
        if (m < tileM && n < tileN)
            shared[park + m * tileN + n] = value;
    }
}

/// <summary>The input format of <see cref="TensorCoreTileProduct{TC, TF}"/>.</summary>
public interface ITensorFormat
{
    /// <summary>True: BF16 inputs (m16n8k16); false: TF32 (m16n8k8).</summary>
    bool Bf16 { get; }
}

/// <summary>TF32 inputs (10 mantissa bits), m16n8k8.</summary>
public readonly struct Tf32Format : ITensorFormat
{
    /// <inheritdoc/>
    public bool Bf16 => false;
}

/// <summary>BF16 inputs (7 mantissa bits), m16n8k16.</summary>
public readonly struct Bf16Format : ITensorFormat
{
    /// <inheritdoc/>
    public bool Bf16 => true;
}
