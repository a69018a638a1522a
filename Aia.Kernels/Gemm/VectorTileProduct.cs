using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ILGPU;
using ILGPU.Frontend;

namespace Aia.Kernels.Gemm;

/// <summary>
/// The CPU accelerator's product: the whole staged chunk at once with 256-bit vectors, blocks of 4 rows x 32
/// columns in 16 vector accumulators (scalar code where the tile is 4 wide or the CPU has no 256-bit vectors).
/// ILGPU runs a kernel on the CPU as the .NET method itself, so vector code runs natively there; but its frontend
/// still reads the kernel's IL and rejects System.Runtime.Intrinsics. The vector code therefore sits behind
/// <see cref="ExternalAttribute"/> (a body ILGPU does not translate), and only the CPU launches instantiate
/// <see cref="GemmTile"/> with this type: a GPU backend fails to compile it.
/// <para>
/// Each product is a multiply then an add (no fused multiply-add), in reduction order, so the tile equals
/// <see cref="MicrotileProduct"/>'s bit for bit.
/// </para>
/// </summary>
public readonly struct VectorTileProduct : ITileProduct
{
    /// <inheritdoc/>
    public bool WholeTile => true;

    /// <inheritdoc/>
    public void Accumulate(ArrayView<float> shared, int tileM, int tileN, int b, int steps, int park, int rows, int first, int thread, int threads) =>
        VectorTile.Accumulate(shared, tileM, tileN, b, steps, park, rows, first, thread, threads);

    /// <inheritdoc/>
    public Float4 ReadQuad(ArrayView<float> view, int index) => VectorTile.ReadQuad(view, index);
}

/// <summary>The host-code body of <see cref="VectorTileProduct"/>: plain .NET, never seen by ILGPU's frontend.</summary>
internal static class VectorTile
{
    private const int Width = 32;

    [ThreadStatic]
    private static float[]? packed;

    [External("aia_cpu_vector_tile")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Accumulate(ArrayView<float> shared, int tileM, int tileN, int b, int steps, int park, int rows, int first, int thread, int threads)
    {
        ref float s = ref shared[0];
        if (shared.Length < park + (long)tileM * tileN || shared.Length < b + (long)steps * tileN)
            throw new ArgumentException($"Shared memory of {shared.Length} floats is too small for a {tileM} x {tileN} tile.");
        var bRows = packed is { } p && p.Length >= steps * tileN ? p : packed = new float[Math.Max(steps * tileN, 64 * 128)];
        ref float bk = ref bRows[0];
        Unpack(ref Unsafe.Add(ref s, b), ref bk, tileN, steps);
        bool vectors = Vector256.IsHardwareAccelerated && tileN % 8 == 0;
        for (int mi = 4 * thread; mi < tileM && mi < rows; mi += 4 * threads)
        {
            ref float a = ref Unsafe.Add(ref s, 4 * mi);
            ref float c = ref Unsafe.Add(ref s, park + mi * tileN);
            int n0 = 0;
            if (vectors)
            {
                for (; n0 + Width <= tileN; n0 += Width)
                    Block32(ref a, ref Unsafe.Add(ref bk, n0), ref Unsafe.Add(ref c, n0), tileM, tileN, steps, first);
                for (; n0 < tileN; n0 += 8)
                    Block8(ref a, ref Unsafe.Add(ref bk, n0), ref Unsafe.Add(ref c, n0), tileM, tileN, steps, first);
            }
            for (; n0 < tileN; n0++)
                Column(ref a, ref Unsafe.Add(ref bk, n0), ref Unsafe.Add(ref c, n0), tileM, tileN, steps, first);
        }
    }

    /// <summary>view[index] .. view[index + 3] with one unaligned 128-bit load (the index range checked once).</summary>
    [External("aia_cpu_read_quad")]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float4 ReadQuad(ArrayView<float> view, int index)
    {
        if (index < 0 || index + 4L > view.Length)
            throw new IndexOutOfRangeException($"Quad at {index} of a view of {view.Length}.");
        return Unsafe.As<float, Float4>(ref view[index]);
    }

    /// <summary>B of the chunk, from blocks of 4 steps x 4 columns, into rows: packed[k * tileN + n].</summary>
    private static void Unpack(ref float from, ref float to, int tileN, int steps)
    {
        for (int k = 0; k < steps; k++)
        {
            for (int n = 0; n < tileN; n += 4)
            {
                Vector128.LoadUnsafe(ref from, (nuint)(4 * ((k >> 2) * tileN + n + (k & 3))))
                    .StoreUnsafe(ref to, (nuint)(k * tileN + n));
            }
        }
    }

    /// <summary>A(k, mi + r): the quad of rows mi .. mi + 3 at step k sits at 4 ((k / 4) TileM + mi + k % 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float RowsAt(ref float a, int k, int tileM) => ref Unsafe.Add(ref a, 4 * ((k >> 2) * tileM + (k & 3)));

    private static void Block32(ref float a, ref float bk, ref float c, int tileM, int tileN, int steps, int first)
    {
        Vector256<float> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (first != 0)
        {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = Vector256<float>.Zero;
        }
        else
        {
            (c00, c01, c02, c03) = Load4(ref c);
            (c10, c11, c12, c13) = Load4(ref Unsafe.Add(ref c, tileN));
            (c20, c21, c22, c23) = Load4(ref Unsafe.Add(ref c, 2 * tileN));
            (c30, c31, c32, c33) = Load4(ref Unsafe.Add(ref c, 3 * tileN));
        }
        for (int k = 0; k < steps; k++)
        {
            ref float bRow = ref Unsafe.Add(ref bk, k * tileN);
            var b0 = Vector256.LoadUnsafe(ref bRow);
            var b1 = Vector256.LoadUnsafe(ref bRow, 8);
            var b2 = Vector256.LoadUnsafe(ref bRow, 16);
            var b3 = Vector256.LoadUnsafe(ref bRow, 24);
            ref float rowsAt = ref RowsAt(ref a, k, tileM);
            var x = Vector256.Create(rowsAt);
            c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
            x = Vector256.Create(Unsafe.Add(ref rowsAt, 1));
            c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
            x = Vector256.Create(Unsafe.Add(ref rowsAt, 2));
            c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
            x = Vector256.Create(Unsafe.Add(ref rowsAt, 3));
            c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
        }
        Store4(ref c, c00, c01, c02, c03);
        Store4(ref Unsafe.Add(ref c, tileN), c10, c11, c12, c13);
        Store4(ref Unsafe.Add(ref c, 2 * tileN), c20, c21, c22, c23);
        Store4(ref Unsafe.Add(ref c, 3 * tileN), c30, c31, c32, c33);
    }

    private static void Block8(ref float a, ref float bk, ref float c, int tileM, int tileN, int steps, int first)
    {
        var c0 = first != 0 ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref c);
        var c1 = first != 0 ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref c, (nuint)tileN);
        var c2 = first != 0 ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref c, (nuint)(2 * tileN));
        var c3 = first != 0 ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref c, (nuint)(3 * tileN));
        for (int k = 0; k < steps; k++)
        {
            var bv = Vector256.LoadUnsafe(ref bk, (nuint)(k * tileN));
            ref float rowsAt = ref RowsAt(ref a, k, tileM);
            c0 += Vector256.Create(rowsAt) * bv;
            c1 += Vector256.Create(Unsafe.Add(ref rowsAt, 1)) * bv;
            c2 += Vector256.Create(Unsafe.Add(ref rowsAt, 2)) * bv;
            c3 += Vector256.Create(Unsafe.Add(ref rowsAt, 3)) * bv;
        }
        c0.StoreUnsafe(ref c);
        c1.StoreUnsafe(ref c, (nuint)tileN);
        c2.StoreUnsafe(ref c, (nuint)(2 * tileN));
        c3.StoreUnsafe(ref c, (nuint)(3 * tileN));
    }

    /// <summary>One column of the 4 rows, in scalars (tiles 4 wide, or no 256-bit vectors).</summary>
    private static void Column(ref float a, ref float bk, ref float c, int tileM, int tileN, int steps, int first)
    {
        for (int r = 0; r < 4; r++)
        {
            ref float cr = ref Unsafe.Add(ref c, r * tileN);
            float sum = first != 0 ? 0f : cr;
            for (int k = 0; k < steps; k++)
                sum += Unsafe.Add(ref RowsAt(ref a, k, tileM), r) * Unsafe.Add(ref bk, k * tileN);
            cr = sum;
        }
    }

    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Load4(ref float at) =>
        (Vector256.LoadUnsafe(ref at), Vector256.LoadUnsafe(ref at, 8), Vector256.LoadUnsafe(ref at, 16), Vector256.LoadUnsafe(ref at, 24));

    private static void Store4(ref float at, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        v0.StoreUnsafe(ref at);
        v1.StoreUnsafe(ref at, 8);
        v2.StoreUnsafe(ref at, 16);
        v3.StoreUnsafe(ref at, 24);
    }
}
