using System.Globalization;
using Aia.Engine.IO;
using Aia.Engine.Training;
using Aia.Cli.Validation;
using CommandLine;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia compare</c>: the training options, plus the neurons and seeds to train or the runs to read.</summary>
[Verb("compare", HelpText = "The paper's Table 2 / Fig. 3 as a study: train (or read) each neuron with N seeds on one dataset; write mean +- std, the paired difference to LIF with a 95 % t interval, and Fig. 3a / 3b with error bars.")]
public sealed class CompareOptions : TrainingOptions
{
    [Option("neurons", Default = "lif,aia,cached-aia", HelpText = "Neurons to train, comma-separated (lif, if, plif, aia, cached-aia).")]
    [NotEmpty]
    public string Neurons { get; set; } = "lif,aia,cached-aia";

    [Option("seeds", HelpText = "Train each neuron with this many seeds (--seed, --seed + 1, ...). Runs go to OUT/STUDY/<neuron>-seed<k>; finished ones are reused and interrupted ones resumed, so a study can be stopped and continued.")]
    [Range(1, 1000)]
    public int? Seeds { get; set; }

    [Option("study", HelpText = "Folder name of the study under --out (default with --seeds: study-<dataset>-<model>-T<T>-<epochs>ep; without: compare-TIMESTAMP).")]
    [RunName]
    public string? Study { get; set; }

    [Option("runs", HelpText = "Compare these existing run folders instead of training (grouped by neuron, paired by seed).")]
    [NotEmpty]
    public IEnumerable<string> Runs { get; set; } = [];

    [Option("report", HelpText = "Folder for compare.md and the plots (default: the study folder, or OUT/compare-TIMESTAMP).")]
    [NotEmpty]
    public string? Report { get; set; }
}

/// <summary>Runs <c>aia compare</c>.</summary>
public static class CompareCommand
{
    /// <summary>0 on success, 1 when a run failed or cannot be read, 130 when interrupted (resume by running it again).</summary>
    public static int Run(CompareOptions o)
    {
        if (o.DryRun)
        {
            if (o.Runs.Any())
                throw new UsageException("--dry-run plans the runs a study would train; it does not take --runs.");
            return TrainCommand.DryRun(o, "compare", o.Neurons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        try
        {
            var runs = o.Runs.ToList();
            string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            string? studyFolder = null;
            if (runs.Count == 0)
            {
                var config = o.ToConfig();
                string study = o.Study ?? (o.Seeds is null ? $"compare-{stamp}" : DefaultStudy(config));
                studyFolder = Path.Combine(o.Out, study);
                int rc = TrainStudy(o, config, studyFolder, runs);
                if (rc != 0)
                    return rc;
            }
            var summaries = runs.Select(RunSummary.Read).ToList();
            string report = o.Report ?? studyFolder ?? Path.Combine(o.Out, $"compare-{stamp}");
            Directory.CreateDirectory(report);
            string markdown = CompareReport.Markdown(summaries);
            AtomicFile.WriteAllText(Path.Combine(report, "compare.md"), markdown);
            CompareReport.DrawPlots(summaries, report);
            Console.WriteLine(markdown);
            Console.WriteLine($"wrote {Path.Combine(report, "compare.md")} and plots in {report}");
            return 0;
        }
        catch (Exception e) when (Failures.Describe(e) is { } message)
        {
            Console.Error.WriteLine($"aia compare: {message}");
            return 1;
        }
    }

    /// <summary>The default study folder name: what the runs share (dataset, model, T, epochs).</summary>
    public static string DefaultStudy(TrainingConfig c) =>
        $"study-{c.Dataset}-{string.Concat(c.Model.Select(ch => char.IsLetterOrDigit(ch) ? ch : '_'))}-T{c.TimeSteps}-{c.Epochs}ep";

    /// <summary>
    /// Trains (or reuses, or resumes) run &lt;neuron&gt;-seed&lt;k&gt; for every seed and neuron, seed by seed so an
    /// interrupted study already holds complete pairs; adds the run folders to <paramref name="runs"/>.
    /// </summary>
    private static int TrainStudy(CompareOptions o, TrainingConfig config, string folder, List<string> runs)
    {
        var neurons = o.Neurons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int seeds = o.Seeds ?? 1, first = config.Seed;
        string output = o.Out;
        try
        {
            for (int k = 0; k < seeds; k++)
            {
                foreach (var neuron in neurons)
                {
                    int seed = first + k;
                    o.Neuron = neuron;
                    o.Seed = seed;
                    string name = $"{neuron}-seed{seed}";
                    string path = Path.Combine(folder, name);
                    string? resume = null;
                    if (Directory.Exists(path))
                    {
                        var expected = o.ToConfig();
                        var (done, epochs) = Existing(path, expected);
                        if (done)
                        {
                            Console.WriteLine($"== {name}: reusing {path} ({epochs} epochs)");
                            runs.Add(path);
                            continue;
                        }
                        resume = path;
                    }
                    Console.WriteLine(resume is null ? $"== training {name} (seed {k + 1} of {seeds})" : $"== resuming {name} from {path}");
                    o.Out = folder;
                    o.Name = name;
                    int rc = TrainCommand.Train(o, resume, out var trained);
                    o.Out = output;
                    if (rc != 0)
                    {
                        if (rc == 130)
                            Console.Error.WriteLine($"aia compare: interrupted; run the same command again to continue the study in {folder}.");
                        return rc;
                    }
                    runs.Add(trained!);
                }
            }
            return 0;
        }
        finally
        {
            o.Out = output;
        }
    }

    /// <summary>
    /// Whether the run at <paramref name="path"/> has finished the expected epochs (true) or can be resumed (false);
    /// throws when it holds no checkpoint or was trained with other settings than <paramref name="expected"/>.
    /// </summary>
    private static (bool Done, int Epochs) Existing(string path, TrainingConfig expected)
    {
        var run = RunFolder.Open(path);
        if (!File.Exists(run.Last))
            throw new InvalidDataException($"{path} exists but holds no checkpoint (a run stopped before its first epoch?); remove it or pick another --study.");
        var state = Checkpoint.Load(run.Last).State;
        var saved = state.Config with { Epochs = expected.Epochs, Device = expected.Device, Memory = expected.Memory, LogInterval = expected.LogInterval, Cache = expected.Cache };
        if (saved != expected)
            throw new InvalidDataException($"{path} was trained with other settings than this study asks for ({Differences(saved, expected)}); use another --study or the same options.");
        return (state.Epoch >= expected.Epochs && state.BatchInEpoch == 0, state.Epoch);
    }

    private static string Differences(TrainingConfig a, TrainingConfig b) =>
        string.Join(", ", typeof(TrainingConfig).GetProperties()
            .Where(p => !Equals(p.GetValue(a), p.GetValue(b)))
            .Select(p => $"{p.Name}: {p.GetValue(a) ?? "null"} there, {p.GetValue(b) ?? "null"} here"));
}
