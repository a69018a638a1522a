namespace Aia.Kernels;

/// <summary>
/// A grid-stride loop over blocks of <c>block</c> consecutive units: thread k of the grid runs block k, then block
/// k + threads, ... With blocks of 1 it is the plain grid-stride loop (coalesced on GPUs); with one block per thread
/// (the CPU accelerator) each core walks one contiguous range, so no two cores write the same cache line.
/// <c>for (var i = new BlockedGridStride(n, block); i.Valid; i.Next())</c>.
/// </summary>
public struct BlockedGridStride
{
    private readonly int count, block, jump;
    private int end;

    /// <summary>Starts the calling thread's share of <paramref name="count"/> units in blocks of <paramref name="block"/>.</summary>
    public BlockedGridStride(int count, int block)
    {
        this.count = count;
        this.block = block;
        jump = (GridStride.Step - 1) * block;
        Index = GridStride.Start * block;
        end = Math.Min(Index + block, count);
    }

    /// <summary>The current unit.</summary>
    public int Index { get; private set; }

    /// <summary>Whether the thread has a unit left.</summary>
    public readonly bool Valid => Index < count;

    /// <summary>Moves to the thread's next unit.</summary>
    public void Next()
    {
        int index = Index + 1;
        if (index >= end)
        {
            index = end >= count ? count : index + jump;
            end = Math.Min(index + block, count);
        }
        Index = index;
    }
}
