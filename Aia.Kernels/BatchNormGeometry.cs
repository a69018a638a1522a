namespace Aia.Kernels;

/// <summary>
/// The layout of a batch normalisation over x[n, c, s] (n = the folded batch T * N, s = the folded spatial
/// positions H * W, or 1 after a linear layer) and how its per-channel reductions are split: each channel's
/// <see cref="Count"/> = Batch * Spatial elements are cut into <see cref="Chunks"/> chunks of
/// <see cref="ChunkLength"/>, and every (channel, chunk) item is reduced by one group.
/// </summary>
/// <param name="Batch">Number of samples (T * N).</param>
/// <param name="Channels">Number of channels (features).</param>
/// <param name="Spatial">Elements per sample and channel (H * W).</param>
/// <param name="Chunks">Chunks per channel.</param>
/// <param name="ChunkLength">Elements per chunk (the last one may be shorter).</param>
public readonly record struct BatchNormGeometry(int Batch, int Channels, int Spatial, int Chunks, int ChunkLength)
{
    /// <summary>Elements per channel, the count the statistics are taken over.</summary>
    public int Count => Batch * Spatial;

    /// <summary>Number of (channel, chunk) items.</summary>
    public int Items => Channels * Chunks;

    /// <summary>Number of elements of x.</summary>
    public int Length => Batch * Channels * Spatial;

    /// <summary>The first element of <paramref name="channel"/> in x (the shift of the one-pass variance).</summary>
    public int FirstOf(int channel) => channel * Spatial;
}
