using Aia.Engine.Data;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using Aia.Cli.Validation;
using CommandLine;
using CommandLine.Text;
using Serilog;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia train</c>.</summary>
[Verb("train", HelpText = "Train a spiking network (default: the bundled emulated Fashion-MNIST on the best accelerator).")]
public sealed class TrainOptions : TrainingOptions
{
    [Option("resume", HelpText = "Continue the run in this folder (or from this checkpoint) exactly where it stopped.")]
    [NotEmpty]
    public string? Resume { get; set; }

    [Usage(ApplicationAlias = "aia")]
    public static IEnumerable<Example> Examples =>
    [
        new("Train the default small network on the bundled data", new TrainOptions()),
        new("How much device memory the paper's setting needs, in the low-memory mode (nothing is trained)", new TrainOptions { Dataset = "cifar10-dvs", Model = "vggsnn", TimeSteps = 10, Size = "64", Memory = "low", DryRun = true }),
        new("The paper's CIFAR10-DVS setting", new TrainOptions { Dataset = "cifar10-dvs", Root = "/data/CIFAR10-DVS", Model = "vggsnn", Neuron = "cached-aia", TimeSteps = 10, Size = "64", Epochs = 200 }),
        new("TET's CIFAR10-DVS recipe (VGGSNN 48x48, T 10, triangle, TET loss, flip + roll, Adam 1e-3 cosine)", new TrainOptions { Dataset = "cifar10-dvs", Root = "/data/CIFAR10-DVS", Recipe = "tet", Epochs = 200 }),
        new("N-MNIST at its native 34x34 (tonic's spelling works too)", new TrainOptions { Dataset = "NMNIST", Root = "/data/N-MNIST" }),
        new("Continue an interrupted run", new TrainOptions { Resume = "runs/fashion-mnist-dvs-cached-aia-20261123-101500" }),
    ];
}

/// <summary>The options shared by <c>aia train</c> and <c>aia compare</c>; every one maps onto <see cref="TrainingConfig"/>.</summary>
public class TrainingOptions
{
    private static readonly TrainingConfig Defaults = new();

    [Option("dataset", HelpText = "fashion-mnist-dvs (bundled, default), mnist-dvs, cifar10-dvs, n-caltech101, n-cars, n-mnist, dvs-gesture; tonic's spellings too (NMNIST, ncars, CIFAR10DVS, DVSGesture, ...).")]
    [NotEmpty]
    public string? Dataset { get; set; }

    [Option("root", HelpText = "Folder the dataset was extracted to (not needed for the bundled dataset).")]
    [NotEmpty]
    public string? Root { get; set; }

    [Option("cache", HelpText = "Folder for the preprocessed frame caches (default: $AIA_CACHE, else ./data/cache).")]
    [NotEmpty]
    public string? Cache { get; set; }

    [Option("skip-bad", HelpText = "Leave out (and list) corrupt or truncated event files instead of stopping.")]
    public bool SkipBad { get; set; }

    [Option("model", HelpText = "small (default), vggsnn (the paper's VGG-9), a spec like 64,128,A,256,A, or a JSON file.")]
    [NotEmpty]
    public string? Model { get; set; }

    [Option("neuron", HelpText = "lif | if | plif | aia | cached-aia (default).")]
    public string? Neuron { get; set; }

    [Option("surrogate", HelpText = "rect (default) | triangle | atan | sigmoid.")]
    public string? Surrogate { get; set; }

    [Option("detach-reset", HelpText = "Cut the reset path from the gradient.")]
    public bool DetachReset { get; set; }

    [Option('T', "timesteps", HelpText = "Frames per sample (default: the dataset's, 6 for the bundled data and N-MNIST, 10 for the other DVS sets).")]
    [Range(1, FrameSettings.MaxFrames)]
    public int? TimeSteps { get; set; }

    [Option("size", HelpText = "Resize frames to S x S, or HxW (e.g. 100x120), or 'native' (the sensor's size). Default: the dataset's; 34 N-MNIST, 64 CIFAR10-DVS and DVS Gesture, 48 N-Caltech101/N-CARS. Any size works with every model (pooling floors odd sizes).")]
    [NotEmpty]
    public string? Size { get; set; }

    [Option("recipe", HelpText = "Start from a paper's recipe; explicit options override it. tet: VGGSNN, 48x48, T 10, triangle surrogate, TET loss, flip + roll, Adam 1e-3 cosine.")]
    [OneOf("tet")]
    public string? Recipe { get; set; }

    [Option('b', "batch", HelpText = "Batch size (default 32).")]
    [Range(1, 65536)]
    public int? Batch { get; set; }

    [Option('e', "epochs", HelpText = "Epochs (default: the dataset's, 2 for the bundled data, 20 for N-MNIST). With --resume: train up to this many epochs in total.")]
    [Range(1, 1_000_000)]
    public int? Epochs { get; set; }

    [Option("lr", HelpText = "Learning rate (default 1e-3; 2e-3 for N-MNIST).")]
    [Range(0, 100, MinExclusive = true)]
    public double? LearningRate { get; set; }

    [Option("optimizer", HelpText = "adam (default) | adamw | sgd.")]
    public string? Optimizer { get; set; }

    [Option("weight-decay", HelpText = "Weight decay (default 0).")]
    [Range(0, 100)]
    public double? WeightDecay { get; set; }

    [Option("schedule", HelpText = "cosine (default) | step | constant.")]
    public string? Schedule { get; set; }

    [Option("warmup", HelpText = "Linear warm-up epochs (default 0).")]
    [Range(0, 1_000_000)]
    public int? Warmup { get; set; }

    [Option("loss", HelpText = "mean (CE of time-averaged logits, default) | tet (mean over time of per-step CE).")]
    public string? Loss { get; set; }

    [Option("label-smoothing", HelpText = "Label smoothing (default 0).")]
    [Range(0, 1, MaxExclusive = true)]
    public double? LabelSmoothing { get; set; }

    [Option("clip-norm", HelpText = "Clip gradients to this global norm (default off).")]
    [Range(0, double.MaxValue)]
    public double? ClipNorm { get; set; }

    [Option("val-fraction", HelpText = "Hold out this fraction of each class of the training split (seeded) to select the best checkpoint on (default 0.1; 0: no hold-out, the last epoch is kept). The test split never selects.")]
    [Range(0, 1, MaxExclusive = true)]
    public double? ValidationFraction { get; set; }

    [Option("split-rule", HelpText = "Datasets without an official split (CIFAR10-DVS, N-Caltech101): seeded (9:1 per class, default), ordered (first 9/10 per class train), tebn (CIFAR10-DVS: first 100 per class test).")]
    [OneOf("seeded", "ordered", "tebn")]
    public string? SplitRule { get; set; }

    [Option("split-seed", HelpText = "Seed of the seeded dataset split and of the validation hold-out (default 1; the same for every --seed, so runs pair up).")]
    public int? SplitSeed { get; set; }

    [Option("limit", HelpText = "Use at most N samples per class in each split (quick runs).")]
    [Range(0, int.MaxValue)]
    public int? Limit { get; set; }

    [Option("augment", HelpText = "none | flip-roll (flip p 0.5 + roll up to 5 px: CIFAR10-DVS, N-Caltech101, N-CARS default) | roll (DVS Gesture default; roll:2 N-MNIST's) | nda (NDA: roll, rotate, shear, CutMix; flip where the dataset flips); NAME:N rolls up to N px. Emulated sets: none.")]
    [NotEmpty]
    public string? AugmentPolicy { get; set; }

    [Option("no-augment", HelpText = "Turn augmentation off.")]
    public bool NoAugment { get; set; }

    [Option("seed", HelpText = "Seed of initialisation, shuffling and augmentation (default 1).")]
    public int? Seed { get; set; }

    [Option("dry-run", HelpText = "Print the device memory a training step of these options needs (compare: of each neuron's) (parameters, gradients, optimizer state, saved for backward, step peak, total) and exit: builds the model, trains nothing, reads no data (unless --size native: the file list for the sensor size), writes no run folder.")]
    public bool DryRun { get; set; }

    [Option("memory", HelpText = "default (fastest) | low: segment checkpointing, keeps only each block's input spikes (as bits) and reruns the block's forward in the backward; the same gradients bit for bit in less device memory, slower. Also with --resume.")]
    [OneOf("default", "low")]
    public string? Memory { get; set; }

    [Option("device", Default = "auto", HelpText = "auto | cuda | opencl | cpu.")]
    public string Device { get; set; } = "auto";

    [Option("precision", Default = "auto", HelpText = PrecisionOptions.Help)]
    [OneOf("auto", "fp32", "tf32", "bf16")]
    public string Precision { get; set; } = "auto";

    [Option("out", Default = "runs", HelpText = "Folder that holds run folders.")]
    [NotEmpty]
    public string Out { get; set; } = "runs";

    [Option("name", HelpText = "Run folder name (default: dataset-neuron-timestamp).")]
    [RunName]
    public string? Name { get; set; }

    [Option("log-interval", HelpText = "Batches between progress updates (default 10).")]
    [Range(1, int.MaxValue)]
    public int? LogInterval { get; set; }

    [Option("quiet", HelpText = "No progress bars; log lines only.")]
    public bool Quiet { get; set; }

    /// <summary>The configuration these options describe; a value that cannot work is a usage error naming its option.</summary>
    public TrainingConfig ToConfig()
    {
        Check("--recipe", () => Recipe is null ? Defaults : Recipes.Apply(Defaults, Recipe));
        Check("--dataset", () => Engine.Data.Datasets.DatasetCatalog.Find(Dataset ?? Defaults.Dataset));
        var c = Build();
        Check("--model", () => Engine.Models.ModelSpec.Parse(c.Model));
        Check("--neuron", () => Engine.Models.NeuronKinds.Parse(c.Neuron));
        Check("--surrogate", () => Engine.Nn.Neurons.SurrogateFunctions.Parse(c.Surrogate));
        Check("--optimizer", () => c.Optimizer is "adam" or "adamw" or "sgd" ? c : throw new ArgumentException($"unknown optimizer '{c.Optimizer}'; use adam, adamw or sgd."));
        Check("--schedule", () => c.Schedule is "cosine" or "step" or "constant" ? c : throw new ArgumentException($"unknown schedule '{c.Schedule}'; use cosine, step or constant."));
        Check("--loss", () => c.Loss is "mean" or "tet" ? c : throw new ArgumentException($"unknown loss '{c.Loss}'; use mean or tet."));
        Check("--augment", () => c.Augmentation is null ? c : Engine.Data.AugmentOptions.Policy(c.Augmentation));
        Check("--split-rule", () => c.SplitRule is "seeded" or "ordered" or "tebn" ? c : throw new ArgumentException($"unknown split rule '{c.SplitRule}'; use seeded, ordered or tebn."));
        Check("--device", () => DeviceOptions.Parse(c.Device));
        // Ranges of single options are declared next to them (Validation.OptionRules); this is their product.
        if (c.Size > 0 && FrameSettings.SizeProblem(c.TimeSteps, c.Size, c.Width > 0 ? c.Width : c.Size) is { } size)
            throw new UsageException($"--timesteps and --size: {size}.");
        return c;
    }

    /// <summary>Parses --size: S (a square), HxW, or native.</summary>
    public static (int Height, int Width, bool Native) ParseSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (0, 0, false);
        string t = text.Trim().ToLowerInvariant();
        if (t == "native") return (0, 0, true);
        var parts = t.Split('x');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v > 0))
        {
            int h = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            int w = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (h > FrameSettings.MaxSide || w > FrameSettings.MaxSide)
                throw new UsageException($"--size must be within [1, {FrameSettings.MaxSide}] on each side, not '{text}'.");
            return (h, w, false);
        }
        throw new UsageException($"--size must be a positive size S, HxW (e.g. 100x120) or native, not '{text}'.");
    }

    private static void Check(string option, Func<object> parse)
    {
        try
        {
            parse();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    private TrainingConfig Build()
    {
        var b = Recipe is null ? Defaults : Recipes.Apply(Defaults, Recipe);
        var info = Engine.Data.Datasets.DatasetCatalog.Find(Dataset ?? b.Dataset);
        var (height, width, native) = Size is null ? (b.Size, b.Width, b.NativeSize) : ParseSize(Size);
        return b with
        {
            Dataset = info.Name,
            Root = Root,
            Cache = Cache,
            SkipBad = SkipBad,
            Model = Model ?? b.Model,
            Neuron = Neuron ?? b.Neuron,
            Surrogate = Surrogate ?? b.Surrogate,
            DetachReset = DetachReset,
            TimeSteps = TimeSteps ?? (Recipe is null ? info.Frames : b.TimeSteps),
            Size = height,
            Width = width,
            NativeSize = native,
            BatchSize = Batch ?? b.BatchSize,
            Epochs = Epochs ?? (Recipe is null ? info.Epochs ?? b.Epochs : b.Epochs),
            LearningRate = LearningRate ?? (Recipe is null ? info.LearningRate ?? b.LearningRate : b.LearningRate),
            Optimizer = Optimizer ?? b.Optimizer,
            WeightDecay = WeightDecay ?? b.WeightDecay,
            Schedule = Schedule ?? b.Schedule,
            WarmupEpochs = Warmup ?? b.WarmupEpochs,
            Loss = Loss ?? b.Loss,
            LabelSmoothing = LabelSmoothing ?? b.LabelSmoothing,
            ClipNorm = ClipNorm ?? b.ClipNorm,
            ValidationFraction = ValidationFraction ?? b.ValidationFraction,
            SplitRule = SplitRule?.Trim().ToLowerInvariant() ?? b.SplitRule,
            SplitSeed = SplitSeed ?? b.SplitSeed,
            LimitPerClass = Limit ?? 0,
            Augment = !NoAugment && b.Augment,
            Augmentation = NoAugment ? null : AugmentPolicy?.Trim().ToLowerInvariant() ?? b.Augmentation,
            Seed = Seed ?? b.Seed,
            Memory = Memory?.Trim().ToLowerInvariant() ?? b.Memory,
            Device = Device,
            LogInterval = LogInterval ?? b.LogInterval,
        };
    }
}

/// <summary>Runs <c>aia train</c>.</summary>
public static class TrainCommand
{
    /// <summary>Trains; 0 when all epochs ran, 1 on failure, 130 when interrupted (checkpoint written). --dry-run: plans only.</summary>
    public static int Run(TrainOptions o)
    {
        if (!o.DryRun)
            return Train(o, o.Resume, out _);
        if (o.Resume is not null)
            throw new UsageException("--dry-run plans a new run from the options; it does not take --resume.");
        return DryRun(o, "train");
    }

    /// <summary>
    /// <c>aia train --dry-run</c> (and <c>compare --dry-run</c>, once per neuron of <paramref name="neurons"/>): the memory plan
    /// of the options' training step; no data, no run folder. 0, or 1 on failure.
    /// </summary>
    internal static int DryRun(TrainingOptions o, string verb, params string[] neurons)
    {
        List<TrainingConfig> configs = neurons.Length == 0 ? [o.ToConfig()] : neurons.Select(n => { o.Neuron = n; return o.ToConfig(); }).ToList();
        try
        {
            foreach (var config in configs)
            {
                // A device per plan: an arena sized by one plan would count in the next.
                using var device = Device.Create(DeviceOptions.Parse(o.Device), precision: PrecisionOptions.Parse(o.Precision));
                var (frame, classes, source) = TrainingData.ShapeOf(config);
                var plan = Trainer.PlanMemory(device, config, frame, classes);
                Console.WriteLine($"aia {verb} --dry-run: {config.Dataset}, model {config.Model}, {config.Neuron} neurons, frames {string.Join("x", frame)}, " +
                                  $"batch {config.BatchSize}, {classes} classes, --memory {config.Memory}, on {device.Description}");
                Console.WriteLine($"  ({source}; nothing trained, no run folder written)");
                Console.Write(plan.Format());
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"peak device memory of a training step: {plan.Total / 1048576.0:F1} MiB"));
            }
            return 0;
        }
        catch (Exception e) when (Failures.Describe(e) is { } message)
        {
            Console.Error.WriteLine($"aia {verb}: {message}");
            return 1;
        }
    }

    /// <summary>Trains one run (or resumes <paramref name="resume"/>); <paramref name="runFolder"/> is where it went.</summary>
    public static int Train(TrainingOptions o, string? resume, out string? runFolder)
    {
        runFolder = null;
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            if (!cancel.IsCancellationRequested)
                Console.Error.WriteLine("Stopping after this step and writing a checkpoint (Ctrl-C again to abort)...");
            else
                Environment.Exit(130);
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        RunFolder? created = null;
        try
        {
            var config = o.ToConfig();
            var run = resume is not null ? RunFolder.Open(resume, forWriting: true) : created = RunFolder.Create(o.Out, o.Name ?? RunFolder.DefaultName(config));
            runFolder = run.Root;
            using var log = Logging.ForRun(run.Log, o.Quiet);
            foreach (var stale in run.StaleTemporaryFiles())
                log.Warning("{File} is left from a write that was interrupted (the file it was to replace is intact); it can be deleted", stale);
            using var device = Device.Create(DeviceOptions.Parse(o.Device), precision: PrecisionOptions.Parse(o.Precision));
            log.Information("Device: {Device}", device.Description);
            var progress = new TrainingProgress(o.Quiet);
            using var trainer = resume is null
                ? Trainer.Start(device, config, run, log, progress)
                : Trainer.Resume(device, run, log, progress, o.Epochs, memory: o.Memory?.Trim().ToLowerInvariant());
            bool finished = progress.Run(() => trainer.Train(cancel.Token));
            log.Information("Run folder: {Run} (metrics.csv, plots/, checkpoints/)", run.Root);
            return finished ? 0 : 130;
        }
        catch (Exception e) when (Failures.Describe(e) is { } message)
        {
            Console.Error.WriteLine($"aia train: {message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            // A new run that failed before its first checkpoint leaves nothing worth keeping (the error was printed);
            // only what this run created goes, never a folder that was there before.
            if (created is not null && !File.Exists(created.Last))
                created.RemoveUnfinished();
        }
    }
}
