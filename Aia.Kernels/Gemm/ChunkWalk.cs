using System.Runtime.CompilerServices;

namespace Aia.Kernels.Gemm;

/// <summary>
/// How the threads of a group share the loading of a [count][width] chunk (width a power of two): thread t
/// takes the columns <see cref="Column"/>, <see cref="Column"/> + <see cref="ColumnStep"/>, ... and in each the
/// rows <see cref="Row"/>, <see cref="Row"/> + <see cref="RowStep"/>, ... A column is decoded once (an output
/// position, a channel) and its rows are walked incrementally. With fewer threads than columns every thread
/// walks whole columns (one thread on the CPU: everything, in memory order); with more, consecutive threads take
/// consecutive columns (coalesced on a GPU) and the rows are dealt out.
/// </summary>
public readonly struct ChunkWalk
{
    /// <summary>Creates the walk of thread <paramref name="thread"/> of <paramref name="threads"/> (powers of two).</summary>
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
}
