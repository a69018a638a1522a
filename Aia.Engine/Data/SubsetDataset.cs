namespace Aia.Engine.Data;

/// <summary>A view of some samples of another dataset (a validation split carved from the training split).</summary>
public sealed class SubsetDataset(FrameDataset source, int[] indices) : FrameDataset
{
    /// <inheritdoc/>
    public override int Count => indices.Length;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ClassNames => source.ClassNames;

    /// <inheritdoc/>
    public override int[] FrameShape => source.FrameShape;

    /// <inheritdoc/>
    public override int Label(int index) => source.Label(indices[index]);

    /// <inheritdoc/>
    public override void CopyFrames(int index, Span<float> destination) => source.CopyFrames(indices[index], destination);

    /// <summary>
    /// Splits <paramref name="source"/> into (train, validation) with <paramref name="fraction"/> of every class held
    /// out (rounded, at least one of a class of two or more, never all), chosen by a seeded shuffle (the same split
    /// on every run with the same seed).
    /// </summary>
    public static (SubsetDataset Train, SubsetDataset Validation) Split(FrameDataset source, double fraction, ulong seed)
    {
        if (fraction is <= 0 or >= 1)
            throw new ArgumentException($"The validation fraction must be in (0, 1), got {fraction}.");
        var order = Enumerable.Range(0, source.Count).ToArray();
        new Runtime.Rng(seed).Shuffle(order);
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var byClass in order.GroupBy(source.Label))
        {
            var items = byClass.ToArray();
            // at least one of every class with two or more samples, so small classes are validated too
            int held = items.Length < 2 ? 0 : Math.Clamp((int)Math.Round(items.Length * fraction), 1, items.Length - 1);
            validation.AddRange(items[..held]);
            train.AddRange(items[held..]);
        }
        train.Sort();
        validation.Sort();
        return (new SubsetDataset(source, [.. train]), new SubsetDataset(source, [.. validation]));
    }
}
