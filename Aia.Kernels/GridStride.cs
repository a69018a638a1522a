using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Index helpers for grid-stride loops:
/// <c>int step = GridStride.Step; for (int i = GridStride.Start; i &lt; n; i += step)</c>.
/// Read <see cref="Step"/> once before the loop: on the CPU accelerator every grid or group index is a
/// thread-static lookup, and re-reading it per iteration makes a kernel 30x slower.
/// Every kernel of the engine is written this way (or over a few large groups), so the same kernel runs a few
/// groups per multiprocessor on a GPU and one group per core on ILGPU's CPU accelerator.
/// </summary>
public static class GridStride
{
    /// <summary>The global index of the calling thread.</summary>
    public static int Start => Grid.IdxX * Group.DimX + Group.IdxX;

    /// <summary>The number of threads in the grid.</summary>
    public static int Step => Grid.DimX * Group.DimX;
}
