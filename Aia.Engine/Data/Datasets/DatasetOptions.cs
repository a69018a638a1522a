namespace Aia.Engine.Data.Datasets;

/// <summary>How <see cref="DatasetCatalog.Open"/> frames, caches and limits a dataset. Null sizes take the dataset's defaults.</summary>
public sealed record DatasetOptions
{
    /// <summary>Frames T (null: the dataset's default).</summary>
    public int? Frames { get; init; }

    /// <summary>Training height (null: the dataset's default).</summary>
    public int? Height { get; init; }

    /// <summary>Training width (null: the dataset's default).</summary>
    public int? Width { get; init; }

    /// <summary>Equal events or equal time per frame.</summary>
    public FrameSplit Split { get; init; } = FrameSplit.ByCount;

    /// <summary>Interpolation from the sensor to the training size.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.Bilinear;

    /// <summary>What is done to the counts.</summary>
    public FrameNormalization Normalization { get; init; } = FrameNormalization.None;

    /// <summary>Ceiling for <see cref="FrameNormalization.Clamp"/>.</summary>
    public float ClampMax { get; init; } = 1f;

    /// <summary>Folder of the cache files (null: <see cref="DatasetCatalog.DefaultCacheDirectory"/>).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Leave out unreadable files instead of failing (they are listed in the cache header).</summary>
    public bool SkipBad { get; init; }

    /// <summary>Rebuild the caches even when up to date.</summary>
    public bool Rebuild { get; init; }

    /// <summary>Keep at most this many samples per class in each split, in order (0 = all): quick runs and tests.</summary>
    public int Limit { get; init; }

    /// <summary>Split of the datasets without an official one (CIFAR10-DVS, N-Caltech101): seeded, ordered or tebn.</summary>
    public string SplitRule { get; init; } = "seeded";

    /// <summary>Seed of the <c>seeded</c> split rule.</summary>
    public int SplitSeed { get; init; } = 1;

    /// <summary>Frames at the sensor's resolution (Height and Width ignored).</summary>
    public bool NativeSize { get; init; }

    /// <summary>N-Caltech101: keep the BACKGROUND_Google folder as a class.</summary>
    public bool IncludeBackground { get; init; }

    /// <summary>The emulator of the image datasets (fashion-mnist-dvs).</summary>
    public EmulatorOptions Emulator { get; init; } = new();

    /// <summary>Build progress: (split, samples done, total), from worker threads.</summary>
    public Action<string, int, int>? Progress { get; init; }

    /// <summary>Worker threads for building (0 = one per core).</summary>
    public int Threads { get; init; }
}
