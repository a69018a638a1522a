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
    /// The augmentation policy training uses by default (see <see cref="AugmentOptions.Policy"/>): flip-roll for
    /// scenes and objects (TET's recipe), roll for digits and gestures (a mirrored digit or a left-hand gesture
    /// is another class), none for the emulated sets, whose saccades already move every image.
    /// </summary>
    public string Augmentation { get; init; } = "flip-roll";

    /// <summary>Whether a horizontal mirror image keeps the class (the default policy flips).</summary>
    public bool Flips => AugmentOptions.Policy(Augmentation).Flip;

    /// <summary>Number of classes (what a scan finds; for planning memory without the data).</summary>
    public int Classes { get; init; } = 10;

    /// <summary>Learning rate a run starts from by default (null: the training default, 1e-3).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Epochs a run trains by default (null: the training default, 2 for the bundled data).</summary>
    public int? Epochs { get; init; }

    /// <summary>Other spellings accepted for the name (tonic's class names, lower-cased, without separators).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Whether the dataset comes with a train/test split (false: the split rule and seed decide it).</summary>
    public bool OfficialSplit { get; init; } = true;

    /// <summary>How the dataset is split into train and test, in words (printed at the start of a run).</summary>
    public string SplitDescription { get; init; } = "official split";
}
