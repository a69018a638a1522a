namespace Aia.Kernels;

/// <summary>
/// The layout of a batch normalisation over x[n, c, s] (n = the folded batch T * N, s = the folded spatial
/// positions H * W, or 1 after a linear layer) and how its passes are split: each channel's <see cref="Count"/> =
/// Batch * Spatial elements are cut into <see cref="Chunks"/> <see cref="ChannelSlice"/>s, and every (channel,
/// chunk) item is run by one group.
/// </summary>
/// <param name="Batch">Number of samples (T * N).</param>
/// <param name="Channels">Number of channels (features).</param>
/// <param name="Spatial">Elements per sample and channel (H * W).</param>
/// <param name="Chunks">Chunks per channel.</param>
/// <param name="Quads">1: the kernels read and write four consecutive elements at a time (CPU accelerator; Spatial a
/// multiple of 4 and every array starting on a quad), 0: one.</param>
public readonly record struct BatchNormGeometry(int Batch, int Channels, int Spatial, int Chunks, int Quads)
{
    /// <summary>Elements per channel, the count the statistics are taken over.</summary>
    public int Count => Batch * Spatial;

    /// <summary>Number of (channel, chunk) items.</summary>
    public int Items => Channels * Chunks;

    /// <summary>Number of elements of x.</summary>
    public int Length => Batch * Channels * Spatial;

    /// <summary>The first element of <paramref name="channel"/> in x (the shift of the one-pass variance).</summary>
    public int FirstOf(int channel) => channel * Spatial;

    /// <summary>The positions of item <paramref name="item"/>.</summary>
    public ChannelSlice Slice(int item) => ChannelSlice.Of(item, Chunks, Channels, Spatial, Count);
}
