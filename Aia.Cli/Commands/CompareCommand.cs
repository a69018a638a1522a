using System.Globalization;
using System.Text;
using Aia.Engine.IO;
using Aia.Engine.Training;
using Aia.Cli.Validation;
using CommandLine;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia compare</c>: the training options, plus the neurons to train or the runs to read.</summary>
[Verb("compare", HelpText = "The paper's Table 2 / Fig. 3: train (or read) runs of several neurons on one dataset; write a markdown table of accuracy and spikes and the weight-distribution plots.")]
public sealed class CompareOptions : TrainingOptions
{
    [Option("neurons", Default = "lif,aia,cached-aia", HelpText = "Neurons to train, comma-separated (lif, if, plif, aia, cached-aia).")]
    [NotEmpty]
    public string Neurons { get; set; } = "lif,aia,cached-aia";

    [Option("runs", HelpText = "Compare these existing run folders instead of training.")]

    [NotEmpty]
    public IEnumerable<string> Runs { get; set; } = [];

    [Option("report", HelpText = "Folder for compare.md and the plots (default: OUT/compare-TIMESTAMP).")]

    [NotEmpty]
    public string? Report { get; set; }
}

/// <summary>Runs <c>aia compare</c>.</summary>
public static class CompareCommand
{
    /// <summary>0 on success, 1 when a run failed or cannot be read.</summary>
    public static int Run(CompareOptions o)
    {
        try
        {
            var runs = o.Runs.ToList();
            string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            if (runs.Count == 0)
            {
                foreach (var neuron in o.Neurons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    o.Neuron = neuron;
                    o.Name = $"compare-{stamp}-{neuron}";
                    Console.WriteLine($"== training {neuron}");
                    int rc = TrainCommand.Train(o, null, out var folder);
                    if (rc != 0)
                        return rc;
                    runs.Add(folder!);
                }
            }
            var summaries = runs.Select(RunSummary.Read).ToList();
            string report = o.Report ?? Path.Combine(o.Out, $"compare-{stamp}");
            Directory.CreateDirectory(report);
            string markdown = Markdown(summaries);
            AtomicFile.WriteAllText(Path.Combine(report, "compare.md"), markdown);
            DrawPlots(summaries, report);
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

    /// <summary>The comparison as markdown: one row per run (Table 2), then spikes per layer (Fig. 3b) and weights (Fig. 3a).</summary>
    public static string Markdown(IReadOnlyList<RunSummary> runs)
    {
        var sb = new StringBuilder();
        var first = runs[0].Config;
        sb.AppendLine(CultureInfo.InvariantCulture, $"# {first.Dataset}: {first.Model}, T = {first.TimeSteps}, {runs.Max(r => r.Rows.Count)} epochs");
        sb.AppendLine();
        sb.AppendLine("| neuron | best acc | final acc | spikes / sample (test) | mean abs weight | weights near 0 (abs < 0.01) | params (train) | params (inference) | samples/s |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs)
        {
            var last = r.Rows[^1];
            double acc(EpochMetrics m) => double.IsNaN(m.ValAccuracy) ? m.TestAccuracy : m.ValAccuracy;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Config.Neuron} | {r.Rows.Max(acc):P2} | {last.TestAccuracy:P2} | {last.TestSpikesPerSample.Values.Sum():F0} | {r.FinalWeights.Average(Math.Abs):F4} | {r.FinalWeights.Count(w => Math.Abs(w) < 0.01) / (double)r.FinalWeights.Length:P1} | {r.TrainParameters:N0} | {r.InferenceParameters:N0} | {r.Rows.Average(m => m.SamplesPerSecond):F1} |");
        }
        sb.AppendLine();
        var layers = runs[0].Rows[^1].TestSpikesPerSample.Keys.ToList();
        sb.AppendLine("Spikes per sample per layer on the test split, last epoch (Fig. 3b):");
        sb.AppendLine();
        sb.AppendLine("| neuron | " + string.Join(" | ", layers) + " |");
        sb.AppendLine("| --- |" + string.Concat(layers.Select(_ => " ---: |")));
        foreach (var r in runs)
        {
            var s = r.Rows[^1].TestSpikesPerSample;
            sb.AppendLine($"| {r.Config.Neuron} | " + string.Join(" | ", layers.Select(l => s.GetValueOrDefault(l).ToString("F1", CultureInfo.InvariantCulture))) + " |");
        }
        sb.AppendLine();
        sb.AppendLine("Plots: `spikes_per_layer.png` (Fig. 3b), `weights.png` (final weight distributions), `weight_change.png` (trained minus initial, Fig. 3a).");
        sb.AppendLine();
        sb.AppendLine("Runs: " + string.Join(", ", runs.Select(r => $"`{r.Folder}`")));
        return sb.ToString();
    }

    private static void DrawPlots(IReadOnlyList<RunSummary> runs, string folder)
    {
        var layers = runs[0].Rows[^1].TestSpikesPerSample.Keys.ToList();
        Plots.SpikesPerLayer(layers,
            runs.Select(r => (r.Config.Neuron, layers.Select(l => r.Rows[^1].TestSpikesPerSample.GetValueOrDefault(l)).ToArray())).ToList(),
            Path.Combine(folder, "spikes_per_layer.png"), "Spikes per sample per layer (test)");
        Plots.WeightHistograms(
            [("initial", runs[0].InitialWeights), .. runs.Select(r => (r.Config.Neuron, r.FinalWeights))],
            Path.Combine(folder, "weights.png"), "Weight distribution: initial and trained");
        Plots.WeightHistograms(
            runs.Select(r => (r.Config.Neuron, r.FinalWeights.Zip(r.InitialWeights, (a, b) => a - b).ToArray())).ToList(),
            Path.Combine(folder, "weight_change.png"), "Weight change (trained - initial)");
    }
}

/// <summary>What <c>aia compare</c> reads of a run folder.</summary>
public sealed record RunSummary(string Folder, TrainingConfig Config, IReadOnlyList<EpochMetrics> Rows, float[] InitialWeights,
    float[] FinalWeights, long TrainParameters, long InferenceParameters)
{
    /// <summary>Reads metrics, config and the initial and last weights of a run folder.</summary>
    public static RunSummary Read(string folder)
    {
        var run = RunFolder.Open(folder);
        var (last, state) = Checkpoint.Load(run.Last);
        var rows = MetricsLog.Load(Path.Combine(run.Root, "metrics.jsonl"));
        if (rows.Count == 0)
            throw new InvalidDataException($"{run.Root} has no finished epoch in metrics.jsonl.");
        var initial = Safetensors.Read(run.Initial).Tensors;
        var names = last.Keys.Where(IsWeight).Order(StringComparer.Ordinal).ToList();
        long train = last.Where(t => !t.Key.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal) && !t.Key.Contains("running_", StringComparison.Ordinal))
            .Sum(t => (long)t.Value.Data.Length);
        long inference = last.Where(t => IsWeight(t.Key) || t.Key == "classifier.bias" || t.Key.EndsWith(".w", StringComparison.Ordinal)).Sum(t => (long)t.Value.Data.Length)
            + last.Where(t => t.Key.EndsWith(".bn.bias", StringComparison.Ordinal)).Sum(t => (long)t.Value.Data.Length);
        return new RunSummary(run.Root, state.Config, rows,
            names.SelectMany(n => initial[n].Data).ToArray(), names.SelectMany(n => last[n].Data).ToArray(), train, inference);
    }

    private static bool IsWeight(string name) =>
        name.EndsWith(".conv.weight", StringComparison.Ordinal) || name == "classifier.weight";
}
