using System.Runtime.CompilerServices;

namespace Aia.Kernels.Gemm;

/// <summary>
/// How the threads of a group share the loading of a [count][width] chunk, in columns of quads (four neighbouring
/// rows of A or columns of B; width / 4 a power of two): thread t takes the quad columns <see cref="Column"/>,
/// <see cref="Column"/> + <see cref="ColumnStep"/>, ... and in each the steps <see cref="Row"/>,
/// <see cref="Row"/> + <see cref="RowStep"/>, ... A quad column is decoded once (output positions, channels) and
/// its steps are walked incrementally. With fewer threads than quad columns every thread walks whole columns (one
/// thread on the CPU: everything, in memory order); with more, consecutive threads take consecutive columns
/// (coalesced on a GPU) and the steps are dealt out.
/// </summary>
public readonly struct ChunkWalk
{
    /// <summary>The walk of thread <paramref name="thread"/> of <paramref name="threads"/> over <paramref name="width"/> quad columns (powers of two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ChunkWalk(int thread, int threads, int width)
    {
        if (threads <= width)
        {
            Column = thread;
            ColumnStep = threads;
            Row = 0;
            RowStep = 1;
        }
        else
        {
            Column = thread & (width - 1);
            ColumnStep = width;
            Row = thread / width;
            RowStep = threads / width;
        }
    }

    /// <summary>First column of this thread.</summary>
    public int Column { get; }

    /// <summary>Distance between this thread's columns.</summary>
    public int ColumnStep { get; }

    /// <summary>First row of this thread within each of its columns.</summary>
    public int Row { get; }

    /// <summary>Distance between this thread's rows.</summary>
    public int RowStep { get; }

    /// <summary>
    /// Whether this thread owns the whole block of steps <paramref name="kk"/> .. kk + 3 of a chunk of
    /// <paramref name="count"/> steps (it walks every step, kk starts a block, the block is full), so it may store
    /// the block at once (<see cref="ChunkLayout.StoreBlock"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool OwnsBlock(int kk, int count) => RowStep == 1 && (kk & 3) == 0 && kk + 3 < count;
}
