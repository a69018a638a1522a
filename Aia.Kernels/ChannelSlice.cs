namespace Aia.Kernels;

/// <summary>
/// A work item of the per-channel kernels (neurons, batch norm, spike counts): a contiguous chunk of the N * S
/// positions of one channel of a [N, C, S] tensor (a time step of the neurons; position q is sample q / S, pixel
/// q % S). A group takes a whole item (its threads stride over the positions), so it can read the channel's
/// constants once and reduce the item's contribution to a per-channel sum into one partial per item: no atomics,
/// fixed order.
/// Item <c>channel * chunks + chunk</c>; chunks split the positions into near-equal contiguous parts whose length
/// is a multiple of 4 (so quad-wise kernels find whole quads; trailing chunks may be short or empty).
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
        int size = ((positions + chunks - 1) / chunks + 3) & ~3;
        int start = chunk * size;
        return new ChannelSlice(channel, channels, spatial, start, Math.Min(start + size, positions));
    }

    /// <summary>A cursor over positions <paramref name="q"/>, q + <paramref name="stride"/>, ... of the channel.</summary>
    public PositionCursor Cursor(int q, int stride) => new(Channel, channels, spatial, q, stride);
}
