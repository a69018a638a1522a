using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// The tiled matrix product every GEMM-shaped kernel of the engine is built on (convolutions as implicit GEMMs,
/// linear layers as plain ones). A group of G threads computes one tile of C at a time, walking the tiles
/// grid-stride. The reduction is staged chunk by chunk in shared memory (A as [chunk][TileM], B as
/// [chunk][TileN], in blocks of 4 steps x 4 rows or columns, see <see cref="ChunkLayout"/>), loaded cooperatively
/// by the operands (<see cref="IGemmOperand"/>, which do any im2col gathering themselves). Each thread owns
/// 4 x 4 microtiles whose accumulators are locals, unrolled by hand (ILGPU does not unroll), and reads the
/// operands of four reduction steps as one <see cref="Float4x4"/> each.
/// <para>
/// With at least as many microtiles as threads (a GPU: 256 threads, 64 x 64 tiles) each thread keeps its
/// accumulators in registers across all chunks. With fewer threads (the CPU accelerator: 1 thread per group) a
/// thread owns many microtiles and parks their accumulators in a shared tile between chunks, so the shared
/// chunks (the im2col gather in particular) are loaded once per tile rather than once per microtile.
/// </para>
/// <para>
/// The type parameter <c>TP</c> (<see cref="ITileProduct"/>) says who multiplies the staged chunks: this loop
/// (<see cref="MicrotileProduct"/>, GPUs) or, on the CPU accelerator, <see cref="VectorTileProduct"/>, which takes
/// the whole chunk into the parked tile with vector code and gives the same floats.
/// </para>
/// Summation order over k is fixed, so results are bit-for-bit repeatable.
/// </summary>
public static class GemmTile
{
    /// <summary>
    /// C = A B (or the partial products of each split) over the tiling <paramref name="t"/>; launch with
    /// <see cref="GemmTiling.SharedFloats"/> floats of dynamic shared memory.
    /// </summary>
    public static void Multiply<TA, TB, TC, TP>(TA a, TB b, TC c, GemmTiling t)
        where TA : struct, IGemmOperand
        where TB : struct, IGemmOperand
        where TC : struct, IGemmResult
        where TP : struct, ITileProduct
    {
        var product = default(TP);
        var shared = SharedMemory.GetDynamic<float>();
        var quads = shared.Cast<Float4>();
        var blocks = shared.Cast<Float4x4>();
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX, firstTile = Grid.IdxX;
        int tileM = t.TileM, tileN = t.TileN, chunk = t.ChunkK;
        int quadsM = tileM / 4, quadsN = tileN / 4, units = quadsM * quadsN;
        var aChunk = quads.SubView(0, chunk * quadsM);
        var bChunk = quads.SubView(chunk * quadsM, chunk * quadsN);
        var walkA = new ChunkWalk(thread, threads, quadsM);
        var walkB = new ChunkWalk(thread, threads, quadsN);
        bool parking = units > threads;
        int unitStepM = threads / quadsN, unitStepN = threads % quadsN;
        int bBlocks = chunk * quadsM / 4, parkQuads = chunk * (quadsM + quadsN);
        int tilesM = t.TilesM, tilesMN = tilesM * t.TilesN, tiles = tilesMN * t.Splits;
        for (int tile = firstTile; tile < tiles; tile += groups)
        {
            int split = t.TilesMNDivisor.Divide(tile), rest = tile - split * tilesMN;
            int tn = t.TilesMDivisor.Divide(rest), tm = rest - tn * tilesM;
            int m0 = tm * tileM, n0 = tn * tileN;
            int kBegin = split * t.SplitLength, kEnd = Math.Min(t.K, kBegin + t.SplitLength);
            int rows = t.M - m0, cols = t.N - n0;
            float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
            float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
            for (int k0 = kBegin; k0 < kEnd; k0 += chunk)
            {
                int count = Math.Min(chunk, kEnd - k0), steps = (count + 3) / 4;
                bool first = k0 == kBegin, last = k0 + count == kEnd;
                Group.Barrier();
                a.Load<TP>(aChunk, m0, tileM, k0, count, walkA);
                b.Load<TP>(bChunk, n0, tileN, k0, count, walkB);
                if (count < steps * 4)
                {
                    ZeroTail(aChunk, tileM, count, steps * 4, thread, threads);
                    ZeroTail(bChunk, tileN, count, steps * 4, thread, threads);
                }
                Group.Barrier();
                if (product.WholeTile)
                {
                    product.Accumulate(shared, tileM, tileN, 4 * chunk * quadsM, 4 * steps, 4 * parkQuads, rows, first ? 1 : 0, thread, threads);
                    if (last)
                        StoreParked(c, quads, split, m0, n0, tileM, rows, cols, quadsN, parkQuads, thread, threads);
                    continue;
                }
                for (int u = thread, um = thread / quadsN, un = thread % quadsN; u < units; u += threads)
                {
                    int mi = um * 4, ni = un * 4;
                    un += unitStepN;
                    um += unitStepM;
                    if (un >= quadsN)
                    {
                        un -= quadsN;
                        um++;
                    }
                    if (mi >= rows || ni >= cols)
                        continue;
                    int park = parkQuads + mi * quadsN + ni / 4;
                    if (first)
                    {
                        c00 = 0f; c01 = 0f; c02 = 0f; c03 = 0f; c10 = 0f; c11 = 0f; c12 = 0f; c13 = 0f;
                        c20 = 0f; c21 = 0f; c22 = 0f; c23 = 0f; c30 = 0f; c31 = 0f; c32 = 0f; c33 = 0f;
                    }
                    else if (parking)
                    {
                        var r0 = quads[park];
                        var r1 = quads[park + quadsN];
                        var r2 = quads[park + 2 * quadsN];
                        var r3 = quads[park + 3 * quadsN];
                        c00 = r0.X; c01 = r0.Y; c02 = r0.Z; c03 = r0.W; c10 = r1.X; c11 = r1.Y; c12 = r1.Z; c13 = r1.W;
                        c20 = r2.X; c21 = r2.Y; c22 = r2.Z; c23 = r2.W; c30 = r3.X; c31 = r3.Y; c32 = r3.Z; c33 = r3.W;
                    }
                    int ai = mi / 4, bi = bBlocks + ni / 4;
                    for (int q = 0; q < steps; q++)
                    {
                        var av = blocks[ai];
                        var bv = blocks[bi];
                        ai += quadsM;
                        bi += quadsN;
                        float x = av.K0.X;
                        c00 += x * bv.K0.X; c01 += x * bv.K0.Y; c02 += x * bv.K0.Z; c03 += x * bv.K0.W;
                        x = av.K0.Y;
                        c10 += x * bv.K0.X; c11 += x * bv.K0.Y; c12 += x * bv.K0.Z; c13 += x * bv.K0.W;
                        x = av.K0.Z;
                        c20 += x * bv.K0.X; c21 += x * bv.K0.Y; c22 += x * bv.K0.Z; c23 += x * bv.K0.W;
                        x = av.K0.W;
                        c30 += x * bv.K0.X; c31 += x * bv.K0.Y; c32 += x * bv.K0.Z; c33 += x * bv.K0.W;
                        x = av.K1.X;
                        c00 += x * bv.K1.X; c01 += x * bv.K1.Y; c02 += x * bv.K1.Z; c03 += x * bv.K1.W;
                        x = av.K1.Y;
                        c10 += x * bv.K1.X; c11 += x * bv.K1.Y; c12 += x * bv.K1.Z; c13 += x * bv.K1.W;
                        x = av.K1.Z;
                        c20 += x * bv.K1.X; c21 += x * bv.K1.Y; c22 += x * bv.K1.Z; c23 += x * bv.K1.W;
                        x = av.K1.W;
                        c30 += x * bv.K1.X; c31 += x * bv.K1.Y; c32 += x * bv.K1.Z; c33 += x * bv.K1.W;
                        x = av.K2.X;
                        c00 += x * bv.K2.X; c01 += x * bv.K2.Y; c02 += x * bv.K2.Z; c03 += x * bv.K2.W;
                        x = av.K2.Y;
                        c10 += x * bv.K2.X; c11 += x * bv.K2.Y; c12 += x * bv.K2.Z; c13 += x * bv.K2.W;
                        x = av.K2.Z;
                        c20 += x * bv.K2.X; c21 += x * bv.K2.Y; c22 += x * bv.K2.Z; c23 += x * bv.K2.W;
                        x = av.K2.W;
                        c30 += x * bv.K2.X; c31 += x * bv.K2.Y; c32 += x * bv.K2.Z; c33 += x * bv.K2.W;
                        x = av.K3.X;
                        c00 += x * bv.K3.X; c01 += x * bv.K3.Y; c02 += x * bv.K3.Z; c03 += x * bv.K3.W;
                        x = av.K3.Y;
                        c10 += x * bv.K3.X; c11 += x * bv.K3.Y; c12 += x * bv.K3.Z; c13 += x * bv.K3.W;
                        x = av.K3.Z;
                        c20 += x * bv.K3.X; c21 += x * bv.K3.Y; c22 += x * bv.K3.Z; c23 += x * bv.K3.W;
                        x = av.K3.W;
                        c30 += x * bv.K3.X; c31 += x * bv.K3.Y; c32 += x * bv.K3.Z; c33 += x * bv.K3.W;
                    }
                    if (last)
                    {
                        c.Store(split, m0 + mi, n0 + ni, Math.Min(4, rows - mi), Math.Min(4, cols - ni),
                            new Float4(c00, c01, c02, c03), new Float4(c10, c11, c12, c13),
                            new Float4(c20, c21, c22, c23), new Float4(c30, c31, c32, c33));
                    }
                    else if (parking)
                    {
                        quads[park] = new Float4(c00, c01, c02, c03);
                        quads[park + quadsN] = new Float4(c10, c11, c12, c13);
                        quads[park + 2 * quadsN] = new Float4(c20, c21, c22, c23);
                        quads[park + 3 * quadsN] = new Float4(c30, c31, c32, c33);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stores the rows of the parked tile that a <see cref="ITileProduct.WholeTile"/> product computed for this
    /// thread (row quads thread, thread + threads, ...), one 4 x 4 block at a time.
    /// </summary>
    private static void StoreParked<TC>(TC c, ArrayView<Float4> quads, int split, int m0, int n0, int tileM, int rows, int cols,
        int quadsN, int parkQuads, int thread, int threads)
        where TC : struct, IGemmResult
    {
        int height = Math.Min(tileM, rows), width = Math.Min(4 * quadsN, cols);
        for (int mi = 4 * thread; mi < height; mi += 4 * threads)
        {
            for (int ni = 0; ni < width; ni += 4)
            {
                int park = parkQuads + mi * quadsN + ni / 4;
                c.Store(split, m0 + mi, n0 + ni, Math.Min(4, rows - mi), Math.Min(4, cols - ni),
                    quads[park], quads[park + quadsN], quads[park + 2 * quadsN], quads[park + 3 * quadsN]);
            }
        }
    }

    /// <summary>Zeroes reduction steps [count, end) of a staged chunk (a last chunk shorter than a block of 4).</summary>
    private static void ZeroTail(ArrayView<Float4> chunk, int width, int count, int end, int thread, int threads)
    {
        int quadsWide = width / 4;
        for (int i = thread; i < (end - count) * quadsWide; i += threads)
        {
            int kk = count + i / quadsWide, jq = i - (kk - count) * quadsWide;
            chunk[ChunkLayout.Quad(kk, jq, width)] = new Float4(0f, 0f, 0f, 0f);
        }
    }
}
