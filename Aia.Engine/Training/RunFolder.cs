using Aia.Engine.IO;

namespace Aia.Engine.Training;

/// <summary>
/// The files of one run: <c>config.json</c>, <c>train.log</c>, <c>metrics.jsonl</c> and <c>metrics.csv</c>,
/// <c>checkpoints/</c> (<c>initial</c>, <c>last</c> and <c>best</c> safetensors, each with a JSON sidecar) and
/// <c>plots/</c> (loss, accuracy, spikes per layer, weight histogram). A run folder is one folder name under the
/// parent (<c>--out</c>); the engine removes only what it created itself (<see cref="RemoveUnfinished"/>).
/// </summary>
public sealed class RunFolder
{
    private RunFolder(string root, bool created)
    {
        Root = Path.GetFullPath(root);
        CreatedRoot = created;
    }

    /// <summary>The run's folder.</summary>
    public string Root { get; }

    /// <summary>Whether this process created <see cref="Root"/> (else it existed, empty, before).</summary>
    public bool CreatedRoot { get; }

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

    /// <summary>The metrics, one JSON object per epoch.</summary>
    public string Metrics => Path.Combine(Root, "metrics.jsonl");

    /// <summary>The metrics as CSV.</summary>
    public string MetricsCsv => Path.Combine(Root, "metrics.csv");

    /// <summary>
    /// Why <paramref name="name"/> cannot name a run folder (empty, ".", "..", a path with separators, rooted, or
    /// with characters a file name cannot hold), or null when it can.
    /// </summary>
    public static string? NameProblem(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "a run name cannot be empty";
        if (name is "." or "..") return $"'{name}' is not a folder name (a run is one new folder under --out)";
        if (Path.IsPathRooted(name) || name.Contains('/') || name.Contains('\\'))
            return $"'{name}' is a path; give one folder name (the run goes under --out, which sets the parent)";
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Any(char.IsControl))
            return $"'{name}' holds characters a folder name cannot have";
        if (name.Length > 200) return $"a run name of {name.Length} characters is too long (at most 200)";
        return null;
    }

    /// <summary>
    /// Creates <paramref name="parent"/>/<paramref name="name"/> for a new run. An existing folder is used only when it
    /// is empty; one that holds a run or anything else is refused (nothing is changed).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one folder name.</exception>
    /// <exception cref="RunFolderException">The folder exists and is not empty, or is a file.</exception>
    public static RunFolder Create(string parent, string name)
    {
        if (NameProblem(name) is { } problem) throw new ArgumentException($"--name: {problem}.");
        var root = Path.GetFullPath(Path.Combine(parent, name));
        if (File.Exists(root))
            throw new RunFolderException(root, "is a file, not a folder; choose another --name or --out");
        bool existed = Directory.Exists(root);
        if (existed && File.Exists(Path.Combine(root, "checkpoints", "last.safetensors")))
            throw new RunFolderException(root, $"already holds a run; use --resume {root} to continue it or --name to start another");
        if (existed && Directory.EnumerateFileSystemEntries(root).Any())
            throw new RunFolderException(root, "already exists and holds files that are not an aia run; choose another --name (nothing was changed)");
        Directory.CreateDirectory(root);
        var run = new RunFolder(root, created: !existed);
        Directory.CreateDirectory(run.Checkpoints);
        Directory.CreateDirectory(run.Plots);
        return run;
    }

    /// <summary>
    /// Opens an existing run; <paramref name="path"/> is the folder or a checkpoint in its <c>checkpoints/</c>. Nothing
    /// is created or changed unless <paramref name="forWriting"/> (resume), and then only after the run was found.
    /// </summary>
    /// <exception cref="RunFolderException">Not a run folder, or a file that is not inside one's <c>checkpoints/</c>.</exception>
    public static RunFolder Open(string path, bool forWriting = false)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("a run folder path cannot be empty.");
        string full = Path.GetFullPath(path), root;
        if (File.Exists(full))
        {
            var folder = Path.GetDirectoryName(full)!;
            if (!string.Equals(Path.GetFileName(folder), "checkpoints", StringComparison.Ordinal) || Path.GetDirectoryName(folder) is not { } up)
                throw new RunFolderException(full, "is a file but not a checkpoint inside a run folder's checkpoints/; give the run folder");
            root = up;
        }
        else if (Directory.Exists(full))
            root = full;
        else
            throw new RunFolderException(full, "run folder not found");
        var run = new RunFolder(root, created: false);
        if (!File.Exists(run.Last))
            throw new RunFolderException(root, $"is not a run with a checkpoint ({run.Last} is missing)");
        if (forWriting) Directory.CreateDirectory(run.Plots);
        return run;
    }

    /// <summary>
    /// Removes what a new run that failed before its first checkpoint wrote: the whole folder when this process
    /// created it, else only the run's own files and folders in it (the folder itself was there before).
    /// </summary>
    public void RemoveUnfinished()
    {
        if (CreatedRoot)
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
            return;
        }
        foreach (var d in new[] { Checkpoints, Plots })
            if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
        foreach (var f in new[] { Config, Log, Metrics, MetricsCsv })
            if (File.Exists(f)) File.Delete(f);
    }

    /// <summary>
    /// Temporary files of atomic writes that an earlier process left when it was killed mid-write (<c>*.tmp-PID</c>
    /// of a process that is gone). They are reported, not deleted: this process did not create them.
    /// </summary>
    public IReadOnlyList<string> StaleTemporaryFiles() =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, "*.tmp-*", SearchOption.AllDirectories)
                .Where(f => int.TryParse(f[(f.LastIndexOf(".tmp-", StringComparison.Ordinal) + 5)..], out int pid) && pid != Environment.ProcessId && !Alive(pid))
                .Order(StringComparer.Ordinal).ToList()
            : [];

    private static bool Alive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A default run name: dataset, neuron and a timestamp.</summary>
    public static string DefaultName(TrainingConfig c) =>
        $"{c.Dataset}-{c.Neuron}-{DateTime.Now:yyyyMMdd-HHmmss}";
}
