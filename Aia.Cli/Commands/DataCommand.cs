using System.Diagnostics;
using Aia.Engine.Data;
using Aia.Engine.Data.Datasets;
using Aia.Engine.Data.Formats;
using Aia.Cli.Validation;
using CommandLine;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia data inspect FILE</c>.</summary>
[Verb("data-inspect", HelpText = "(aia data inspect FILE) Show an event file's format, events, resolution, duration, polarity balance and first events.")]
public sealed class DataInspectOptions
{
    /// <summary>The event file.</summary>
    [Value(0, MetaName = "FILE", Required = true, HelpText = "An .aedat (AER-DAT2.0 or AEDAT 3.1), ATIS .bin or Prophesee .dat file.")]
    [NotEmpty]
    public string File { get; set; } = "";

    /// <summary>How many events to list.</summary>
    [Option("events", Default = 10, HelpText = "How many of the first events to list.")]
    [Range(0, 1_000_000)]
    public int Events { get; set; }
}

/// <summary>Options of <c>aia data prepare</c>.</summary>
[Verb("data-prepare", HelpText = "(aia data prepare --dataset NAME --root DIR) Read, frame and cache a dataset's train and test splits.")]
public sealed class DataPrepareOptions
{
    /// <summary>Dataset name.</summary>
    [Option("dataset", Default = DatasetCatalog.DefaultName, HelpText = "fashion-mnist-dvs | mnist-dvs | cifar10-dvs | n-caltech101 | n-cars | n-mnist | dvs-gesture")]
    [NotEmpty]
    public string Dataset { get; set; } = DatasetCatalog.DefaultName;

    /// <summary>Where the dataset was extracted.</summary>
    [Option("root", HelpText = "Folder the dataset was extracted to (not needed for fashion-mnist-dvs).")]
    [NotEmpty]
    public string? Root { get; set; }

    /// <summary>Cache folder.</summary>
    [Option("cache", HelpText = "Cache folder (default: $AIA_CACHE, else data/cache).")]
    [NotEmpty]
    public string? Cache { get; set; }

    /// <summary>Frames T.</summary>
    [Option("frames", HelpText = "Frames per sample T (default: the dataset's).")]
    [Range(1, FrameSettings.MaxFrames)]
    public int? Frames { get; set; }

    /// <summary>Training height.</summary>
    [Option("height", HelpText = "Frame height after resizing (default: the dataset's).")]
    [Range(1, FrameSettings.MaxSide)]
    public int? Height { get; set; }

    /// <summary>Training width.</summary>
    [Option("width", HelpText = "Frame width after resizing (default: the dataset's).")]
    [Range(1, FrameSettings.MaxSide)]
    public int? Width { get; set; }

    /// <summary>Split mode.</summary>
    [Option("split", Default = "count", HelpText = "count (equal events per frame) | time (equal duration per frame)")]
    [OneOf("count", "time")]
    public string Split { get; set; } = "count";

    /// <summary>Interpolation.</summary>
    [Option("resize", Default = ResizeMode.Bilinear, HelpText = "nearest | bilinear")]
    public ResizeMode Resize { get; set; }

    /// <summary>Normalisation.</summary>
    [Option("normalization", Default = FrameNormalization.None, HelpText = "none | clamp | log | scale (see docs/data.md)")]
    public FrameNormalization Normalization { get; set; }

    /// <summary>Clamp ceiling.</summary>
    [Option("clamp-max", Default = 1f, HelpText = "Ceiling of --normalization clamp.")]
    [Range(0, float.MaxValue, MinExclusive = true)]
    public float ClampMax { get; set; }

    /// <summary>Per-class limit.</summary>
    [Option("limit", Default = 0, HelpText = "At most this many samples per class and split (0 = all).")]
    [Range(0, int.MaxValue)]
    public int Limit { get; set; }

    /// <summary>Skip unreadable files.</summary>
    [Option("skip-bad", HelpText = "Leave out files that cannot be read (they are listed) instead of failing.")]
    public bool SkipBad { get; set; }

    /// <summary>Force a rebuild.</summary>
    [Option("rebuild", HelpText = "Rebuild the caches even when they are up to date.")]
    public bool Rebuild { get; set; }

    /// <summary>Worker threads.</summary>
    [Option("threads", Default = 0, HelpText = "Worker threads (0 = one per core).")]
    [Range(0, 1024)]
    public int Threads { get; set; }
}

/// <summary>The <c>aia data</c> verbs.</summary>
public static class DataCommand
{
    /// <summary>
    /// Lets <c>aia data inspect ...</c> and <c>aia data prepare ...</c> reach the verbs <c>data-inspect</c> and
    /// <c>data-prepare</c> (CommandLineParser has no nested verbs).
    /// </summary>
    public static string[] JoinVerb(string[] args) =>
        args is ["data", var sub, ..] && !sub.StartsWith('-') ? ["data-" + sub, .. args[2..]] : args;

    /// <summary>Prints a summary of one event file; exit 1 when it cannot be read.</summary>
    public static int Inspect(DataInspectOptions o)
    {
        try
        {
            var format = EventFile.Detect(o.File);
            var clock = Stopwatch.StartNew();
            var e = EventFile.Read(o.File);
            double seconds = clock.Elapsed.TotalSeconds;
            int on = e.OnCount, n = e.Count;
            Console.WriteLine($"file:       {o.File} ({new FileInfo(o.File).Length:N0} bytes, read in {seconds * 1000:F1} ms)");
            Console.WriteLine($"format:     {EventFile.Describe(format)}");
            Console.WriteLine($"events:     {n:N0}");
            Console.WriteLine($"resolution: {e.Sensor.Width} x {e.Sensor.Height} (width x height)");
            if (n > 0)
            {
                double duration = e.Duration * 1e-6;
                Console.WriteLine($"duration:   {duration:F6} s (t {e.T[0]} .. {e.T[^1]} us){(duration > 0 ? $", {n / duration:N0} events/s" : "")}");
                Console.WriteLine($"polarity:   ON {on:N0} ({100.0 * on / n:F1}%), OFF {n - on:N0} ({100.0 * (n - on) / n:F1}%)");
                Console.WriteLine($"first {Math.Min(o.Events, n)} events:");
                Console.WriteLine($"  {"t (us)",12} {"x",5} {"y",5} {"p",3}");
                for (int i = 0; i < Math.Min(o.Events, n); i++)
                    Console.WriteLine($"  {e.T[i],12} {e.X[i],5} {e.Y[i],5} {(e.P[i] == 1 ? "ON" : "OFF"),3}");
            }
            return 0;
        }
        catch (Exception ex) when (Failures.Describe(ex) is { } message)
        {
            Console.Error.WriteLine($"aia data inspect: {message}");
            return 1;
        }
    }

    /// <summary>Builds (or checks) the caches of a dataset with a progress bar; exit 1 on failure.</summary>
    public static int Prepare(DataPrepareOptions o)
    {
        if ((o.Frames ?? o.Height ?? o.Width) is not null && FrameSettings.SizeProblem(o.Frames ?? 1, o.Height ?? 1, o.Width ?? 1) is { } size)
            throw new UsageException($"--frames, --height and --width: {size}.");
        var bar = new ProgressBar();
        var options = new DatasetOptions
        {
            Frames = o.Frames, Height = o.Height, Width = o.Width,
            Split = o.Split == "time" ? FrameSplit.ByTime : FrameSplit.ByCount,
            Resize = o.Resize, Normalization = o.Normalization, ClampMax = o.ClampMax,
            CacheDirectory = o.Cache, SkipBad = o.SkipBad, Rebuild = o.Rebuild, Limit = o.Limit, Threads = o.Threads,
            Progress = bar.Report,
        };
        try
        {
            var clock = Stopwatch.StartNew();
            using var splits = DatasetCatalog.Open(o.Dataset, o.Root, options);
            bar.Finish();
            foreach (var (name, split) in new[] { ("train", splits.Train), ("test", splits.Test) })
            {
                string how = split.Built ? $"built in {split.BuildTime.TotalSeconds:F1} s ({split.BuildReason})" : "up to date, reused";
                Console.WriteLine($"{name,-5}: {split.Count:N0} samples of [{string.Join(", ", split.FrameShape)}], {split.Classes} classes; {how}");
                Console.WriteLine($"       {split.Path}");
                foreach (var bad in split.Skipped) Console.WriteLine($"       skipped: {bad.Error}");
            }
            Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }
        catch (Exception ex) when (Failures.Describe(ex) is { } message)
        {
            bar.Finish();
            Console.Error.WriteLine($"aia data prepare: {message}");
            return 1;
        }
    }

    /// <summary>A one-line progress bar on stderr, redrawn only when the percentage grows.</summary>
    private sealed class ProgressBar
    {
        private readonly Lock gate = new();
        private string split = "";
        private int shown = -1;

        public void Report(string name, int done, int total)
        {
            lock (gate)
            {
                int percent = (int)(100L * done / Math.Max(1, total));
                if (name == split && percent <= shown) return;
                if (name != split && split != "") Console.Error.WriteLine();
                (split, shown) = (name, percent);
                int filled = percent * 30 / 100;
                Console.Error.Write($"\r{name,-5} [{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}% {done}/{total}");
            }
        }

        public void Finish()
        {
            lock (gate)
            {
                if (split != "") Console.Error.WriteLine();
                split = "";
            }
        }
    }
}
