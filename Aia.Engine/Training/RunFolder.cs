namespace Aia.Engine.Training;

/// <summary>
/// The files of one run: <c>config.json</c>, <c>train.log</c>, <c>metrics.jsonl</c> and <c>metrics.csv</c>,
/// <c>checkpoints/</c> (<c>initial</c>, <c>last</c> and <c>best</c> safetensors, each with a JSON sidecar) and
/// <c>plots/</c> (loss, accuracy, spikes per layer, weight histogram).
/// </summary>
public sealed class RunFolder
{
    private RunFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Checkpoints);
        Directory.CreateDirectory(Plots);
    }

    /// <summary>The run's folder.</summary>
    public string Root { get; }

    /// <summary>Checkpoint folder.</summary>
    public string Checkpoints => Path.Combine(Root, "checkpoints");

    /// <summary>Plot folder.</summary>
    public string Plots => Path.Combine(Root, "plots");

    /// <summary>The latest checkpoint (every epoch, and on interruption).</summary>
    public string Last => Path.Combine(Checkpoints, "last.safetensors");

    /// <summary>The checkpoint with the best validation (or test) accuracy.</summary>
    public string Best => Path.Combine(Checkpoints, "best.safetensors");

    /// <summary>The weights before training (for the weight-change plots).</summary>
    public string Initial => Path.Combine(Checkpoints, "initial.safetensors");

    /// <summary>The run's settings.</summary>
    public string Config => Path.Combine(Root, "config.json");

    /// <summary>The run's log.</summary>
    public string Log => Path.Combine(Root, "train.log");

    /// <summary>Creates <paramref name="parent"/>/<paramref name="name"/>; refuses to reuse a folder that holds a run.</summary>
    public static RunFolder Create(string parent, string name)
    {
        var root = Path.Combine(parent, name);
        if (File.Exists(Path.Combine(root, "checkpoints", "last.safetensors")))
            throw new IOException($"{root} already holds a run; use --resume {root} to continue it or --name to start another.");
        return new RunFolder(root);
    }

    /// <summary>Opens an existing run (for --resume); <paramref name="path"/> is the folder or one of its checkpoints.</summary>
    public static RunFolder Open(string path)
    {
        string root = File.Exists(path) ? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(path)))! : path;
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Run folder not found: {root}");
        var run = new RunFolder(root);
        if (!File.Exists(run.Last))
            throw new FileNotFoundException($"{root} has no checkpoint to resume from ({run.Last} is missing).", run.Last);
        return run;
    }

    /// <summary>A default run name: dataset, neuron and a timestamp.</summary>
    public static string DefaultName(TrainingConfig c) =>
        $"{c.Dataset}-{c.Neuron}-{DateTime.Now:yyyyMMdd-HHmmss}";
}
