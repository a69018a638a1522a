namespace Aia.Kernels;

/// <summary>
/// Walks the positions q, q + stride, q + 2 stride, ... of one channel of a [N, C, S] time step (position q is
/// sample q / S, pixel q % S) and gives each one's index (n C + c) S + s in the time step. The index is stepped
/// without a division: moving by the stride moves the pixel by stride % S, carrying into the next sample.
/// </summary>
public struct PositionCursor
{
    private readonly int spatial, pixelStep, indexStep, carry;
    private int pixel;

    /// <summary>Starts at position <paramref name="q"/> of <paramref name="channel"/>, moving by <paramref name="stride"/>.</summary>
    public PositionCursor(int channel, int channels, int spatial, int q, int stride)
    {
        int sample = q / spatial;
        int samples = stride / spatial;
        this.spatial = spatial;
        pixel = q - sample * spatial;
        pixelStep = stride - samples * spatial;
        indexStep = samples * channels * spatial + pixelStep;
        carry = (channels - 1) * spatial;
        Index = (sample * channels + channel) * spatial + pixel;
    }

    /// <summary>The index within the time step of the current position.</summary>
    public int Index { get; private set; }

    /// <summary>Moves by one stride.</summary>
    public void Next()
    {
        pixel += pixelStep;
        int index = Index + indexStep;
        if (pixel >= spatial)
        {
            pixel -= spatial;
            index += carry;
        }
        Index = index;
    }
}
