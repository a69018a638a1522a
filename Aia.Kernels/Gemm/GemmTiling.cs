namespace Aia.Kernels.Gemm;

/// <summary>
/// The blocking of a matrix product C[M, N] = A[M, K] B[K, N] (see <see cref="GemmTile"/>): tiles of
/// <see cref="TileM"/> x <see cref="TileN"/> outputs, the reduction walked in chunks of <see cref="ChunkK"/>, and
/// optionally split into <see cref="Splits"/> ranges of <see cref="SplitLength"/> whose partial products are
/// summed afterwards in a fixed order (split-K, for products with few tiles and a long reduction).
/// </summary>
public readonly struct GemmTiling
{
    /// <summary>Side of the register microtile each thread owns (4 x 4 accumulators).</summary>
    public const int Micro = 4;

    /// <summary>Creates a tiling; tile sides and chunk must be powers of two, at least <see cref="Micro"/>.</summary>
    public GemmTiling(int m, int n, int k, int tileM, int tileN, int chunkK, int splits = 1)
    {
        if (m < 1 || n < 1 || k < 1)
            throw new ArgumentException($"GEMM sizes must be positive, got M={m}, N={n}, K={k}.");
        if (!IsPowerOfTwo(tileM) || !IsPowerOfTwo(tileN) || !IsPowerOfTwo(chunkK))
            throw new ArgumentException($"Tile sides and chunk must be powers of two >= {Micro}, got {tileM} x {tileN}, chunk {chunkK}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(splits, 1);
        M = m;
        N = n;
        K = k;
        TileM = tileM;
        TileN = tileN;
        ChunkK = chunkK;
        int perSplit = (k + splits - 1) / splits;
        SplitLength = (perSplit + chunkK - 1) / chunkK * chunkK;
        Splits = (k + SplitLength - 1) / SplitLength;
        TilesM = (m + tileM - 1) / tileM;
        TilesN = (n + tileN - 1) / tileN;
        TilesMDivisor = new FastDivisor(TilesM);
        TilesMNDivisor = new FastDivisor(TilesM * TilesN);
    }

    /// <summary>Rows of C.</summary>
    public int M { get; }

    /// <summary>Columns of C.</summary>
    public int N { get; }

    /// <summary>Length of the reduction.</summary>
    public int K { get; }

    /// <summary>Rows of a tile.</summary>
    public int TileM { get; }

    /// <summary>Columns of a tile.</summary>
    public int TileN { get; }

    /// <summary>Reduction steps staged in shared memory at a time.</summary>
    public int ChunkK { get; }

    /// <summary>Number of reduction ranges (1: no split). Every range is non-empty.</summary>
    public int Splits { get; }

    /// <summary>Reduction steps per range (a multiple of <see cref="ChunkK"/>; the last range may be shorter).</summary>
    public int SplitLength { get; }

    /// <summary>Tiles along M.</summary>
    public int TilesM { get; }

    /// <summary>Tiles along N.</summary>
    public int TilesN { get; }

    /// <summary>Division by <see cref="TilesM"/> in the kernels (the tile index to its position, see <see cref="FastDivisor"/>).</summary>
    public FastDivisor TilesMDivisor { get; }

    /// <summary>Division by <see cref="TilesM"/> x <see cref="TilesN"/> (the tile index to its split).</summary>
    public FastDivisor TilesMNDivisor { get; }

    /// <summary>Work items of a launch: tiles times splits.</summary>
    public int TileCount => TilesM * TilesN * Splits;

    /// <summary>Register microtiles per tile.</summary>
    public int Microtiles => TileM / Micro * (TileN / Micro);

    /// <summary>
    /// Floats of dynamic shared memory a group of <paramref name="groupSize"/> threads needs: the A and B chunks,
    /// plus a parking area for the accumulators when a thread owns more than one microtile or the product works
    /// on the whole tile (<paramref name="wholeTile"/>, see <see cref="ITileProduct.WholeTile"/>).
    /// </summary>
    public int SharedFloats(int groupSize, bool wholeTile) =>
        ChunkK * (TileM + TileN) + (wholeTile || Microtiles > groupSize ? TileM * TileN : 0);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{M}x{N}x{K} in {TileM}x{TileN} tiles, chunk {ChunkK}" + (Splits > 1 ? $", {Splits} splits of {SplitLength}" : "");

    private static bool IsPowerOfTwo(int s) => s >= Micro && (s & (s - 1)) == 0;
}
