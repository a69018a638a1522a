using Aia.Engine.Data;

namespace Aia.Engine.Training;

/// <summary>
/// A training run's settings: what <c>aia train</c> accepts, saved as the run's <c>config.json</c> and inside
/// every checkpoint. The defaults are the paper's recipe (Adam 1e-3, cosine schedule, mean-over-time CE) on the
/// bundled default dataset with a small CPU-sized model.
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>Dataset name (see DatasetCatalog).</summary>
    public string Dataset { get; init; } = "fashion-mnist-dvs";
    /// <summary>Folder with the dataset's files (not needed for the bundled dataset).</summary>
    public string? Root { get; init; }
    /// <summary>Where frame caches are kept (null: $AIA_CACHE, else data/cache under the current directory).</summary>
    public string? Cache { get; init; }
    /// <summary>Leave out (and list) event files that cannot be read instead of stopping.</summary>
    public bool SkipBad { get; init; }
    /// <summary>Model preset (<c>small</c>, <c>vggsnn</c>) or a layer spec such as <c>64,128,A,256,A</c>.</summary>
    public string Model { get; init; } = "small";
    /// <summary>Neuron type: lif, if, plif, aia, cached-aia.</summary>
    public string Neuron { get; init; } = "cached-aia";
    /// <summary>Surrogate gradient: rect, triangle, atan, sigmoid.</summary>
    public string Surrogate { get; init; } = "rect";
    /// <summary>Leak factor lambda of Eq. 1 (LIF, AIA).</summary>
    public float Decay { get; init; } = 0.5f;
    /// <summary>Firing threshold.</summary>
    public float Threshold { get; init; } = 1f;
    /// <summary>Whether the reset path is cut from the gradient.</summary>
    public bool DetachReset { get; init; }
    /// <summary>Time steps (frames) per sample.</summary>
    public int TimeSteps { get; init; } = 6;
    /// <summary>Frame height (and width, unless <see cref="Width"/> is set) after resizing (0: the dataset's default).</summary>
    public int Size { get; init; }
    /// <summary>Frame width after resizing when it differs from the height (0: <see cref="Size"/>, a square).</summary>
    public int Width { get; init; }
    /// <summary>Frames at the sensor's own resolution (N-CARS 100x120, DVS Gesture 128x128, ...): no resizing.</summary>
    public bool NativeSize { get; init; }
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; } = 2;
    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>adam, adamw or sgd.</summary>
    public string Optimizer { get; init; } = "adam";
    /// <summary>Weight decay.</summary>
    public double WeightDecay { get; init; }
    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>cosine, step or constant.</summary>
    public string Schedule { get; init; } = "cosine";
    /// <summary>Linear warm-up epochs.</summary>
    public int WarmupEpochs { get; init; }
    /// <summary>Label smoothing of the cross entropy.</summary>
    public double LabelSmoothing { get; init; }
    /// <summary>mean (CE of the time-averaged logits, the paper's) or tet (mean over time of per-step CE).</summary>
    public string Loss { get; init; } = "mean";
    /// <summary>Clip gradients to this global norm (0: off).</summary>
    public double ClipNorm { get; init; }
    /// <summary>
    /// Fraction of the training split held out for validation (stratified, seeded by <see cref="SplitSeed"/>), on
    /// which the best checkpoint is selected. 0: no hold-out, and the last epoch is kept as "best" (the test split
    /// is reported but never selects).
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>How datasets without an official split are split (CIFAR10-DVS, N-Caltech101): seeded (9:1 per class) or tebn.</summary>
    public string SplitRule { get; init; } = "seeded";
    /// <summary>Seed of the dataset split and of the validation hold-out (the same for every training seed, so runs pair up).</summary>
    public int SplitSeed { get; init; } = 1;
    /// <summary>Use at most this many samples per class in each split (0: all).</summary>
    public int LimitPerClass { get; init; }
    /// <summary>Whether training augments at all (false: no augmentation whatever <see cref="Augmentation"/> says).</summary>
    public bool Augment { get; init; } = true;
    /// <summary>Augmentation policy (see <c>AugmentOptions.Policies</c>: none, flip-roll, roll, nda); null: the dataset's default.</summary>
    public string? Augmentation { get; init; }
    /// <summary>A named recipe whose settings the others start from (tet), or null.</summary>
    public string? Recipe { get; init; }
    /// <summary>Seed of initialisation, shuffling, augmentation and dropout.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>
    /// default (fastest) or low (segment checkpointing: less device memory, the backward reruns each segment's forward);
    /// the gradients are the same bit for bit, so a run may change it when resumed.
    /// </summary>
    public string Memory { get; init; } = "default";
    /// <summary>auto, cuda, opencl or cpu.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Loader worker threads (0: automatic).</summary>
    public int Workers { get; init; }
    /// <summary>Batches between progress updates (each one reads the device's counters once).</summary>
    public int LogInterval { get; init; } = 10;

    /// <summary>
    /// What makes this configuration unusable (read back from a checkpoint or config.json that may be damaged),
    /// or null: names present and known, every number finite and in the range the command line allows.
    /// </summary>
    public string? Problem()
    {
        foreach (var (name, value) in new[] { ("dataset", Dataset), ("model", Model), ("neuron", Neuron), ("surrogate", Surrogate),
                     ("optimizer", Optimizer), ("schedule", Schedule), ("loss", Loss), ("device", Device) })
            if (string.IsNullOrWhiteSpace(value)) return $"config.{name} is missing";
        try
        {
            Models.ModelSpec.Parse(Model);
            Models.NeuronKinds.Parse(Neuron);
            Nn.Neurons.SurrogateFunctions.Parse(Surrogate);
            Models.MemoryModes.Parse(Memory ?? "");
        }
        catch (ArgumentException e)
        {
            return "config: " + e.Message.TrimEnd('.');
        }
        if (TimeSteps is <= 0 or > FrameSettings.MaxFrames) return $"config.time_steps {TimeSteps} is not in [1, {FrameSettings.MaxFrames}]";
        if (Size is < 0 or > FrameSettings.MaxSide) return $"config.size {Size} is not in [0, {FrameSettings.MaxSide}]";
        if (BatchSize is <= 0 or > 65536) return $"config.batch_size {BatchSize} is not in [1, 65536]";
        if (Epochs < 0 || WarmupEpochs < 0 || LimitPerClass < 0 || Workers < 0 || LogInterval <= 0)
            return "config has a negative epoch count, warm-up, limit or worker count, or a log interval below 1";
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) return $"config.learning_rate {LearningRate} is not a positive number";
        foreach (var (name, v) in new[] { ("weight_decay", WeightDecay), ("momentum", Momentum), ("clip_norm", ClipNorm), ("decay", (double)Decay), ("threshold", (double)Threshold) })
            if (!double.IsFinite(v) || v < 0) return $"config.{name} {v} is not a finite non-negative number";
        if (LabelSmoothing is < 0 or >= 1 || double.IsNaN(LabelSmoothing)) return $"config.label_smoothing {LabelSmoothing} is not in [0, 1)";
        if (ValidationFraction is < 0 or >= 1 || double.IsNaN(ValidationFraction)) return $"config.validation_fraction {ValidationFraction} is not in [0, 1)";
        return null;
    }
}
