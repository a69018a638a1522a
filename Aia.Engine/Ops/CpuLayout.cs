using Aia.Engine.Runtime;
using ILGPU;

namespace Aia.Engine.Ops;

/// <summary>
/// How the memory-bound kernels lay out their work on the CPU accelerator, where a group is one OS thread and
/// every view access costs a bounds check and a buffer lookup. There they read and write four consecutive floats
/// as one quad (<c>Float4</c>: a quarter of the accesses) and give each thread one contiguous block of the work
/// (two cores writing alternate elements share every cache line). On GPUs the kernels keep one float per thread
/// and plain grid-stride order, whose warp accesses are coalesced.
/// </summary>
internal static class CpuLayout
{
    /// <summary>
    /// Whether a kernel may use quads: <paramref name="d"/> is the CPU accelerator, the contiguous runs the kernel
    /// walks are multiples of 4 (<paramref name="run"/>) and every view starts on a quad of its buffer (a cast to
    /// quads keeps the index / 4).
    /// </summary>
    public static bool Quads(Device d, long run, params ArrayView<float>[] views) =>
        !d.Launches.Gpu && run % 4 == 0 && views.All(v => ((IContiguousArrayView)v).Index % 4 == 0);

    /// <summary>
    /// Units per block of a <c>BlockedGridStride</c> loop over <paramref name="units"/> units: one contiguous block
    /// per thread of the grid on the CPU accelerator, 1 (plain grid-stride) on GPUs.
    /// </summary>
    public static int Block(Device d, long units) =>
        !d.Launches.Gpu ? (int)Math.Max(1, (units + (long)d.GroupCount * d.GroupSize - 1) / ((long)d.GroupCount * d.GroupSize)) : 1;
}
