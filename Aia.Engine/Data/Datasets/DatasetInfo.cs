namespace Aia.Engine.Data.Datasets;

/// <summary>A dataset the catalog knows: its name, what it is, whether it needs a root, its default framing, its scanner.</summary>
public sealed record DatasetInfo(
    string Name,
    string Description,
    bool NeedsRoot,
    int Frames,
    int Height,
    int Width,
    Func<string?, DatasetOptions, EventCorpus> Scan)
{
    /// <summary>
    /// Whether training augments by default (flip and roll, as the peers do on DVS recordings). Off for the emulated
    /// sets, whose saccades already move every image.
    /// </summary>
    public bool Augment { get; init; } = true;
}
