namespace Aia.Kernels.Neurons;

/// <summary>
/// A work item of the reducing neuron kernels: a contiguous chunk of the N * S positions of one channel of a
/// [N, C, S] time step. A group takes a whole item (its threads stride over the positions), so it can reduce
/// the item's contribution to a per-channel sum and write one partial per item: no atomics, fixed order.
/// Item <c>channel * chunks + chunk</c>; chunks split the positions into near-equal contiguous parts.
/// </summary>
public readonly struct ChannelSlice
{
    private readonly int channels;
    private readonly int spatial;

    private ChannelSlice(int channel, int channels, int spatial, int start, int end)
    {
        Channel = channel;
        this.channels = channels;
        this.spatial = spatial;
        Start = start;
        End = end;
    }

    /// <summary>The channel.</summary>
    public int Channel { get; }

    /// <summary>First position (inclusive) of the chunk, in [0, N * S).</summary>
    public int Start { get; }

    /// <summary>Last position (exclusive).</summary>
    public int End { get; }

    /// <summary>Item <paramref name="item"/> of a layout with <paramref name="chunks"/> chunks per channel.</summary>
    public static ChannelSlice Of(int item, int chunks, int channels, int spatial, int positions)
    {
        int channel = item / chunks;
        int chunk = item - channel * chunks;
        int size = (positions + chunks - 1) / chunks;
        int start = chunk * size;
        return new ChannelSlice(channel, channels, spatial, start, Math.Min(start + size, positions));
    }

    /// <summary>The index within the time step of position <paramref name="q"/> (sample q / S, pixel q % S).</summary>
    public int Index(int q)
    {
        int n = q / spatial;
        return (n * channels + Channel) * spatial + (q - n * spatial);
    }
}
