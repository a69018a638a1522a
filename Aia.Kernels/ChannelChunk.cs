namespace Aia.Kernels;

/// <summary>
/// Walks one thread's share of a (channel, chunk) item of a <see cref="BatchNormGeometry"/>: the chunk's
/// elements e = begin + thread, begin + thread + threads, ... of the channel, where element e of channel c is
/// x[(e / Spatial) * Channels + c) * Spatial + e % Spatial]. The row and column are stepped without a division.
/// </summary>
public struct ChannelChunk
{
    private readonly int channels, spatial, end, threads, rowStep, columnStep;
    private int element, row, column;

    /// <summary>Starts <paramref name="thread"/> of <paramref name="threads"/> on item <paramref name="item"/>.</summary>
    public ChannelChunk(BatchNormGeometry g, int item, int thread, int threads)
    {
        channels = g.Channels;
        spatial = g.Spatial;
        Channel = item / g.Chunks;
        int begin = item % g.Chunks * g.ChunkLength;
        end = begin + g.ChunkLength < g.Count ? begin + g.ChunkLength : g.Count;
        this.threads = threads;
        rowStep = threads / spatial;
        columnStep = threads % spatial;
        element = begin + thread;
        row = element / spatial;
        column = element % spatial;
    }

    /// <summary>The channel of the item.</summary>
    public int Channel { get; }

    /// <summary>Whether the thread is still inside the chunk.</summary>
    public readonly bool Valid => element < end;

    /// <summary>The index in x of the current element.</summary>
    public readonly int Index => (row * channels + Channel) * spatial + column;

    /// <summary>Moves to the thread's next element.</summary>
    public void Next()
    {
        element += threads;
        row += rowStep;
        column += columnStep;
        if (column >= spatial)
        {
            column -= spatial;
            row++;
        }
    }
}
