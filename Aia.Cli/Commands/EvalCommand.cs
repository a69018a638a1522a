using System.Globalization;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using Aia.Cli.Validation;
using CommandLine;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia eval</c>.</summary>
[Verb("eval", HelpText = "Evaluate a checkpoint or a NIR graph on a split: accuracy, loss, confusion matrix, spikes per layer.")]
public sealed class EvalOptions
{
    [Option("checkpoint", HelpText = "A checkpoint (runs/NAME/checkpoints/best.safetensors) or a run folder (its best checkpoint).")]
    [NotEmpty]
    public string? Checkpoint { get; set; }

    [Option("nir", HelpText = "A NIR graph (HDF5) to evaluate instead of a checkpoint: its input must be event frames [2 H W], its output [classes].")]
    [NotEmpty]
    public string? Nir { get; set; }

    [Option("dataset", HelpText = "With --nir: the dataset (default: the one the file records, if aia wrote it).")]
    [NotEmpty]
    public string? Dataset { get; set; }

    [Option('T', "timesteps", HelpText = "With --nir: frames per sample (default: the file's, else the dataset's).")]
    [Range(1, 100_000)]
    public int? TimeSteps { get; set; }

    [Option("split", Default = "test", HelpText = "test | train.")]
    [OneOf("test", "train")]
    public string Split { get; set; } = "test";

    [Option("root", HelpText = "Dataset folder, if it moved since training.")]
    [NotEmpty]
    public string? Root { get; set; }

    [Option("batch", Default = 64, HelpText = "Batch size.")]
    [Range(1, 65536)]
    public int Batch { get; set; }

    [Option("limit", HelpText = "At most N samples per class.")]
    [Range(0, int.MaxValue)]
    public int? Limit { get; set; }

    [Option("device", Default = "auto", HelpText = "auto | cuda | opencl | cpu.")]
    public string Device { get; set; } = "auto";

    [Option("precision", Default = "auto", HelpText = PrecisionOptions.Help)]
    [OneOf("auto", "fp32", "tf32", "bf16")]
    public string Precision { get; set; } = "auto";
}

/// <summary>Runs <c>aia eval</c>.</summary>
public static class EvalCommand
{
    /// <summary>0 on success, 1 on failure.</summary>
    public static int Run(EvalOptions o)
    {
        try
        {
            if (o.Split is not ("test" or "train"))
                throw new UsageException($"--split: unknown split '{o.Split}'; use test or train.");
            if (string.IsNullOrEmpty(o.Checkpoint) == string.IsNullOrEmpty(o.Nir))
                throw new UsageException("give either --checkpoint RUN|FILE or --nir FILE.");
            if (o.Nir is not null)
                return NirEval.Run(o);
            string path = CheckpointPath(o.Checkpoint!, "best");
            using var device = Device.Create(DeviceOptions.Parse(o.Device), precision: PrecisionOptions.Parse(o.Precision));
            var (model, state) = TrainedModel.Load(device, path);
            var c = state.Config;
            using var data = OpenDataset(c, o.Root, o.Limit);
            var split = o.Split == "test" ? data.Test : data.Train;
            var r = Evaluator.Evaluate(device, model, split, o.Batch);
            Console.WriteLine($"checkpoint: {path} (epoch {state.Epoch}, {c.Model} / {c.Neuron})");
            Console.WriteLine(Report.Evaluation(o.Split, r, state.ClassNames));
            return 0;
        }
        catch (Exception e) when (Failures.Describe(e) is { } message)
        {
            Console.Error.WriteLine($"aia eval: {message}");
            return 1;
        }
    }

    /// <summary>A checkpoint path, or a run folder's <paramref name="which"/> checkpoint.</summary>
    public static string CheckpointPath(string path, string which)
    {
        if (Directory.Exists(path))
        {
            string folder = path;
            path = Path.Combine(folder, "checkpoints", which + ".safetensors");
            // A run stopped before its first evaluation has no best checkpoint yet; its last one is what there is.
            string last = Path.Combine(folder, "checkpoints", "last.safetensors");
            if (!File.Exists(path) && File.Exists(last))
            {
                Console.Error.WriteLine($"note: {folder} has no {which} checkpoint yet; using {last}");
                path = last;
            }
        }
        if (!File.Exists(path))
            throw new FileNotFoundException($"Checkpoint not found: {path}", path);
        return path;
    }

    /// <summary>Opens the dataset a run was trained on, with its framing.</summary>
    public static TrainingData OpenDataset(TrainingConfig c, string? root, int? limit) =>
        TrainingData.Open(c with { Root = root ?? c.Root, LimitPerClass = limit ?? c.LimitPerClass });
}
