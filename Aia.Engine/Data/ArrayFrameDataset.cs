namespace Aia.Engine.Data;

/// <summary>A <see cref="FrameDataset"/> held in memory (tests, small synthetic sets).</summary>
public sealed class ArrayFrameDataset : FrameDataset
{
    private readonly float[] frames;
    private readonly int[] labels;
    private readonly int[] shape;
    private readonly string[] classNames;

    /// <summary>
    /// Wraps <paramref name="frames"/> [N, T, 2, H, W] and <paramref name="labels"/> [N] (not copied).
    /// </summary>
    public ArrayFrameDataset(float[] frames, int[] labels, int[] frameShape, string[] classNames)
    {
        if (frameShape.Length != 4 || frameShape[1] != 2 || frameShape.Any(d => d <= 0))
            throw new ArgumentException($"Frame shape [{string.Join(", ", frameShape)}] is not [T, 2, H, W].");
        shape = (int[])frameShape.Clone();
        if (frames.Length != (long)labels.Length * SampleLength)
            throw new ArgumentException($"{frames.Length} floats are not {labels.Length} samples of [{string.Join(", ", frameShape)}].");
        if (labels.Any(l => (uint)l >= (uint)classNames.Length))
            throw new ArgumentException($"A label is outside the {classNames.Length} classes.");
        (this.frames, this.labels, this.classNames) = (frames, labels, classNames);
    }

    /// <inheritdoc/>
    public override int Count => labels.Length;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ClassNames => classNames;

    /// <inheritdoc/>
    public override int[] FrameShape => (int[])shape.Clone();

    /// <inheritdoc/>
    public override int Label(int index)
    {
        CheckIndex(index);
        return labels[index];
    }

    /// <inheritdoc/>
    public override void CopyFrames(int index, Span<float> destination)
    {
        CheckIndex(index);
        frames.AsSpan(index * SampleLength, SampleLength).CopyTo(destination);
    }
}
