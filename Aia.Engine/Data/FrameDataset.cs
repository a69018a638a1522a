namespace Aia.Engine.Data;

/// <summary>
/// A labelled set of samples of frames [T, 2, H, W] (time, polarity OFF/ON, rows, columns), as the
/// <see cref="DataLoader"/> and the trainer see any dataset.
/// </summary>
public abstract class FrameDataset
{
    /// <summary>Number of samples.</summary>
    public abstract int Count { get; }

    /// <summary>Class names; labels index this list.</summary>
    public abstract IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes.</summary>
    public int Classes => ClassNames.Count;

    /// <summary>The shape of one sample: [T, 2, H, W].</summary>
    public abstract int[] FrameShape { get; }

    /// <summary>Floats per sample: T * 2 * H * W.</summary>
    public int SampleLength => FrameShape[0] * FrameShape[1] * FrameShape[2] * FrameShape[3];

    /// <summary>The label of sample <paramref name="index"/>.</summary>
    public abstract int Label(int index);

    /// <summary>Copies the frames of sample <paramref name="index"/> into <paramref name="destination"/> (SampleLength floats). Thread-safe.</summary>
    public abstract void CopyFrames(int index, Span<float> destination);

    /// <summary>Sample <paramref name="index"/>: new frames [T, 2, H, W] and its label.</summary>
    public (float[] Frames, int Label) Get(int index)
    {
        var frames = new float[SampleLength];
        CopyFrames(index, frames);
        return (frames, Label(index));
    }

    /// <summary>Throws when <paramref name="index"/> is not a sample of this dataset.</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"Sample {index} of a dataset of {Count}.");
    }
}
