using Aia.Engine.Runtime;
using Aia.Kernels;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Engine.Ops;

/// <summary>
/// Launch helpers shared by the GEMM-shaped ops (convolution, linear): the tiling for a device, the launch
/// configuration, split-K with its fixed-order combine, and per-channel bias gradients.
/// </summary>
internal static class GemmLaunch
{
    /// <summary>The tiling of C[m, n] = A[m, k] B[k, n] on <paramref name="d"/> (see <see cref="Tiling(LaunchShape, int, int, int, bool)"/>).</summary>
    public static GemmTiling Tiling(Device d, int m, int n, int k, bool allowSplits) => Tiling(d.Launches, m, n, k, allowSplits);

    /// <summary>
    /// A tiling for C[m, n] = A[m, k] B[k, n] on a device of shape <paramref name="s"/>. On a GPU: tiles of up to
    /// 64 x 64 (256 threads of 4 x 4 microtiles), widened until every thread owns a microtile as long as the chunks
    /// stay within the group's shared memory (halving the chunk down to 16 where that lets the tile widen; else
    /// some threads own no microtile), chunks of 32. On the CPU (one thread per group): tiles of up to 256 x 256 and
    /// chunks of 64, so each staged element (a scalar gather, the costly part next to the vector product) feeds more
    /// multiply-adds; the tile and its chunks (about 0.4 MB) stay in L2. With <paramref name="allowSplits"/>,
    /// enough split-K ranges to give every group two tiles (the classifier: few outputs, a long reduction).
    /// Throws when not even the smallest chunk fits the shared memory (never for a real device).
    /// </summary>
    public static GemmTiling Tiling(LaunchShape s, int m, int n, int k, bool allowSplits)
    {
        int largest = s.Gpu ? 64 : 256;
        int tileM = Math.Min(largest, Side(m)), tileN = Math.Min(largest, Side(n));
        int chunk = Math.Min(s.Gpu ? 32 : 64, Side(k));
        long limit = s.SharedBytes / sizeof(float);
        while (SharedFloats(s, tileM, tileN, chunk) > limit && chunk > GemmTiling.Micro)
            chunk /= 2;
        if (SharedFloats(s, tileM, tileN, chunk) > limit)
            throw new InvalidOperationException($"A {tileM} x {tileN} GEMM tile does not fit {s.SharedBytes} B of shared memory.");
        while (tileM * tileN / (GemmTiling.Micro * GemmTiling.Micro) < s.GroupSize && (tileN < Side(n) || tileM < Side(m)))
        {
            int nextM = tileN < Side(n) ? tileM : tileM * 2, nextN = tileN < Side(n) ? tileN * 2 : tileN;
            if (SharedFloats(s, nextM, nextN, chunk) > limit)
            {
                if (chunk <= 16)
                    break;
                chunk /= 2;
                continue;
            }
            tileM = nextM;
            tileN = nextN;
        }
        int splits = 1;
        if (allowSplits)
        {
            long tiles = (long)((m + tileM - 1) / tileM) * ((n + tileN - 1) / tileN);
            long wanted = 2L * s.GroupCount;
            if (tiles < wanted)
                splits = (int)Math.Max(1, Math.Min((wanted + tiles - 1) / tiles, k / (4L * chunk)));
        }
        return new GemmTiling(m, n, k, tileM, tileN, chunk, splits);
    }

    /// <summary>Dynamic shared memory of a tiling on <paramref name="s"/>, bytes (what <see cref="Config"/> requests).</summary>
    public static long SharedBytes(LaunchShape s, GemmTiling t) => sizeof(float) * (long)t.SharedFloats(s.GroupSize, s.WholeTile);

    private static long SharedFloats(LaunchShape s, int tileM, int tileN, int chunk) =>
        (long)chunk * (tileM + tileN) + (s.WholeTile || tileM * tileN / (GemmTiling.Micro * GemmTiling.Micro) > s.GroupSize ? (long)tileM * tileN : 0);

    /// <summary>The launch of a <see cref="GemmTile"/> kernel: one group per tile up to the device's group count.</summary>
    public static KernelConfig Config(Device d, GemmTiling t) =>
        new(Math.Min(d.GroupCount, t.TileCount), d.GroupSize, SharedMemoryConfig.RequestDynamic<float>(t.SharedFloats(d.GroupSize, d.Launches.WholeTile)));

    /// <summary>
    /// The instantiation of a GEMM kernel for <paramref name="d"/>: <paramref name="vector"/> (with
    /// <see cref="VectorTileProduct"/>) where <see cref="Device.VectorTiles"/>; with tensor cores
    /// (<see cref="Device.Precision"/> TF32 or BF16) the same generic kernel as <paramref name="portable"/> instantiated
    /// with <see cref="Device.TileProduct"/>; else <paramref name="portable"/> (with <see cref="MicrotileProduct"/>).
    /// </summary>
    public static TKernel Kernel<TKernel>(Device d, TKernel vector, TKernel portable) where TKernel : Delegate
    {
        if (d.VectorTiles)
            return vector;
        var product = d.TileProduct;
        if (product == typeof(MicrotileProduct))
            return portable;
        return (TKernel)Instantiations.GetOrAdd((portable.Method, product), key =>
            key.Kernel.GetGenericMethodDefinition().MakeGenericMethod(key.Product).CreateDelegate(typeof(TKernel)));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(System.Reflection.MethodInfo Kernel, Type Product), Delegate> Instantiations = new();

    /// <summary>
    /// Runs a product whose result is <paramref name="target"/> (+)=: directly when <paramref name="t"/> has one
    /// split, otherwise into per-split partials in the arena followed by <see cref="GemmKernels.SumSplits"/>.
    /// <paramref name="launch"/> gets the buffer to write and the accumulate flag to pass.
    /// </summary>
    public static void WithSplits(Device d, GemmTiling t, ArrayView<float> target, bool accumulate, Action<ArrayView<float>, int> launch)
    {
        if (t.Splits == 1)
        {
            launch(target, Elementwise.Flag(accumulate));
            return;
        }
        var partials = d.Arena.Allocate<float>(t.Splits * target.Length);
        launch(partials, 0);
        d.Launch(GemmKernels.SumSplits, d.GridStride(target.Length), partials, target, t.Splits, Elementwise.Flag(accumulate));
    }

    /// <summary>Products whose result carries a bias or is stored as planes are not split (their N is large anyway).</summary>
    public static void RequireSingleSplit(GemmTiling t, string op)
    {
        if (t.Splits != 1)
            throw new ArgumentException($"{op} does not split its reduction, got {t}.");
    }

    /// <summary>db (+)= the sum of dy [rows, channels, plane] over rows and plane: one group per channel.</summary>
    public static void BiasGradient(Device d, ArrayView<float> dy, ArrayView<float> db, int rows, int channels, int plane, bool accumulate) =>
        d.Launch(GemmKernels.BiasGradient, new KernelConfig(Math.Min(d.GroupCount, channels), d.GroupSize),
            dy, db, rows, channels, plane, Elementwise.Flag(accumulate));

    private static int Side(int size) => Math.Max(GemmTiling.Micro, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)size));
}
