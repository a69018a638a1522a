namespace Aia.Kernels;

/// <summary>
/// The channel of a grid-stride index over x[n, c, s], stepped without a division: moving the index by the grid
/// step moves the position s by step % Spatial (carrying into the next row n * C + c) and the channel by
/// (step / Spatial) % Channels.
/// </summary>
public struct ChannelIndex
{
    private readonly int spatial, channels, positionStep, channelStep;
    private int position;

    /// <summary>Starts at index <paramref name="start"/>, moving by <paramref name="step"/>.</summary>
    public ChannelIndex(BatchNormGeometry g, int start, int step)
    {
        spatial = g.Spatial;
        channels = g.Channels;
        positionStep = step % spatial;
        channelStep = step / spatial % channels;
        position = start % spatial;
        Channel = start / spatial % channels;
    }

    /// <summary>The channel of the current index.</summary>
    public int Channel { get; private set; }

    /// <summary>Moves by one grid step.</summary>
    public void Next()
    {
        position += positionStep;
        int channel = Channel + channelStep;
        if (position >= spatial)
        {
            position -= spatial;
            channel++;
        }
        Channel = channel >= channels ? channel - channels : channel;
    }
}
