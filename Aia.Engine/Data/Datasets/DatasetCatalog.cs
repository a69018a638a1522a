namespace Aia.Engine.Data.Datasets;

/// <summary>
/// Every dataset by name, and the one call the trainer needs: <see cref="Open"/> scans the dataset, frames it into
/// a cache per split (or reuses the caches when every setting matches) and returns the two splits.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The dataset used when none is named: emulated Fashion-MNIST, bundled, needs no root.</summary>
    public const string DefaultName = "fashion-mnist-dvs";

    /// <summary>The known datasets, default framing as in the AIA paper (64x64 CIFAR10-DVS, 48x48 N-Caltech101 and N-CARS, T = 10; N-MNIST 34x34, T = 6).</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } =
    [
        new(DefaultName, "Fashion-MNIST subset (bundled) through the event emulator, 34x34 sensor", false, 6, 32, 32,
            (root, o) => FashionMnistDvs.Scan(root, o)) { Augmentation = "none", Aliases = ["fashionmnist"] },
        new("mnist-dvs", "MNIST IDX files (ROOT) through the event emulator, 34x34 sensor", true, 6, 32, 32,
            (root, o) => FashionMnistDvs.Scan(root, o, "mnist-dvs", FashionMnistDvs.DigitNames)) { Augmentation = "none" },
        new("cifar10-dvs", "CIFAR10-DVS, ROOT/<class>/*.aedat, 128x128", true, 10, 64, 64, (root, o) => Cifar10Dvs.Scan(root!, o))
        {
            OfficialSplit = false,
            SplitDescription = "no official split: seeded 9:1 per class (--split-rule seeded, --split-seed S), or TEBN's first 100 per class as test (--split-rule tebn)",
        },
        new("n-caltech101", "N-Caltech101, ROOT/Caltech101/<class>/*.bin, up to 240x180", true, 10, 48, 48, (root, o) => NCaltech101.Scan(root!, o))
        {
            OfficialSplit = false,
            Classes = 100,
            SplitDescription = "no official split: seeded 9:1 per class (--split-rule seeded, --split-seed S)",
        },
        new("n-cars", "N-CARS, ROOT/n-cars_{train,test}/{background,cars}/*.dat, 120x100", true, 10, 48, 48, (root, o) => NCars.Scan(root!, o)) { Classes = 2 },
        // T 6 (two frames per saccade) and 34x34 as the emulated sets, which copy N-MNIST's recording; roll by up to
        // 2 px (the saccades already move every digit over 6 px, and 5 px of a 34 px frame wrap digits apart); a
        // 1,000-sample subset gives 28 steps per epoch, so 20 epochs at lr 2e-3
        new("n-mnist", "N-MNIST, ROOT/{Train,Test}/<digit>/*.bin, 34x34", true, 6, 34, 34, (root, o) => NMnist.Scan(root!, o))
        {
            Augmentation = "roll:2", Epochs = 20, LearningRate = 2e-3,
        },
        new("dvs-gesture", "DVS128 Gesture, ROOT/userNN_*.aedat + _labels.csv + trials_to_{train,test}.txt, 128x128", true, 10, 64, 64,
            (root, o) => DvsGesture.Scan(root!, o)) { Augmentation = "roll", Aliases = ["dvs128gesture"], Classes = 11 },
    ];

    /// <summary>
    /// The dataset called <paramref name="name"/>: its name or an alias in any case, with or without '-', '_',
    /// '.' and spaces, so tonic's spellings work (NMNIST, nmnist, NCARS, CIFAR10DVS, NCALTECH101, DVSGesture).
    /// </summary>
    public static DatasetInfo? TryFind(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        string key = Key(name);
        return All.FirstOrDefault(d => Key(d.Name) == key || d.Aliases.Any(a => Key(a) == key));
    }

    private static string Key(string name) =>
        string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();

    /// <summary>
    /// Where caches go when no folder is given: $AIA_CACHE, else data/cache under the current directory
    /// (git-ignored in the repository).
    /// </summary>
    public static string DefaultCacheDirectory =>
        Environment.GetEnvironmentVariable("AIA_CACHE") is { Length: > 0 } dir ? dir : Path.Combine(Environment.CurrentDirectory, "data", "cache");

    /// <summary>The dataset called <paramref name="name"/> (see <see cref="TryFind"/> for the spellings accepted).</summary>
    public static DatasetInfo Find(string name) =>
        TryFind(name)
        ?? throw new ArgumentException($"Unknown dataset '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}.");

    /// <summary>The framing of <paramref name="info"/> with the options' overrides.</summary>
    public static FrameSettings Framing(DatasetInfo info, DatasetOptions options) => new()
    {
        Frames = options.Frames ?? info.Frames,
        Height = options.Height ?? info.Height,
        Width = options.Width ?? info.Width,
        Split = options.Split,
        Resize = options.Resize,
        Normalization = options.Normalization,
        ClampMax = options.ClampMax,
    };

    /// <summary>Lists the samples of a dataset (after <see cref="DatasetOptions.Limit"/>), without reading them.</summary>
    public static EventCorpus Scan(string name, string? root, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        var info = Find(name);
        if (info.NeedsRoot && string.IsNullOrEmpty(root))
            throw new ArgumentException($"Dataset {info.Name} needs --root: the folder it was extracted to ({info.Description}).");
        var corpus = info.Scan(string.IsNullOrEmpty(root) ? null : root, options);
        if (options.Limit <= 0) return corpus;
        return corpus with { Train = Limit(corpus.Train, options.Limit), Test = Limit(corpus.Test, options.Limit) };
    }

    /// <summary>
    /// Opens dataset <paramref name="name"/> (<paramref name="root"/>: where it was extracted; not needed for the
    /// bundled default): train and test splits of frames [T, 2, H, W], from caches in
    /// <see cref="DatasetOptions.CacheDirectory"/> named &lt;name&gt;-&lt;split&gt;.frames, built when missing or stale.
    /// </summary>
    public static DatasetSplits Open(string name, string? root = null, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        var corpus = Scan(name, root, options);
        var frames = Framing(Find(name), options);
        if (options.NativeSize)
            frames = frames with { Height = corpus.Sensor.Height, Width = corpus.Sensor.Width };
        var train = OpenSplit(corpus, "train", frames, options);
        try
        {
            return new DatasetSplits(train, OpenSplit(corpus, "test", frames, options));
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    private static MappedFrameDataset OpenSplit(EventCorpus corpus, string split, FrameSettings frames, DatasetOptions options)
    {
        string path = Path.Combine(options.CacheDirectory ?? DefaultCacheDirectory, $"{corpus.Name}-{split}.frames");
        var settings = new List<KeyValuePair<string, string>> { new("dataset", corpus.Name), new("dataset.split", split), new("limit", options.Limit.ToString()) };
        settings.AddRange(corpus.Settings);
        var progress = options.Progress;
        var build = new CacheBuildOptions
        {
            SkipBad = options.SkipBad,
            Rebuild = options.Rebuild,
            Threads = options.Threads,
            Progress = progress is null ? null : (done, total) => progress(split, done, total),
        };
        var samples = corpus.Split(split);
        if (samples.Count == 0)
            throw new InvalidDataException($"{corpus.Name}: the {split} split has no samples{(corpus.Settings.FirstOrDefault(s => s.Key == "source.root").Value is { } root ? $" under {root}" : "")}; check --root and the folder layout.");
        var opened = FrameCache.Open(path, samples, corpus.ClassNames, frames, settings, build);
        if (opened.Count == 0)
        {
            opened.Dispose();
            throw new InvalidDataException($"{corpus.Name}: none of the {samples.Count} samples of the {split} split could be read (all were skipped).");
        }
        return opened;
    }

    private static List<EventSample> Limit(IReadOnlyList<EventSample> samples, int perClass)
    {
        var taken = new Dictionary<int, int>();
        return samples.Where(s => (taken[s.Label] = taken.GetValueOrDefault(s.Label) + 1) <= perClass).ToList();
    }
}
