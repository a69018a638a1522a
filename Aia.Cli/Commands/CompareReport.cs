using System.Globalization;
using System.Text;
using Aia.Engine.IO;
using Aia.Engine.Training;

namespace Aia.Cli.Commands;

/// <summary>
/// compare.md and the plots of a study: runs grouped by neuron, each run's result the test accuracy of its
/// selected checkpoint (chosen on the validation hold-out, never on test), mean +- sample std over seeds, and
/// each neuron's paired difference to LIF (same seeds) with a 95 % t interval; Fig. 3b (spikes per layer) and
/// Fig. 3a (weight change) with error bars of one std over seeds.
/// </summary>
public static class CompareReport
{
    private static string Pm(IReadOnlyList<double> v, string format, double scale = 1) =>
        v.Count < 2
            ? (Statistics.Mean(v) * scale).ToString(format, CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{(Statistics.Mean(v) * scale).ToString(format, CultureInfo.InvariantCulture)} ± {(Statistics.StandardDeviation(v) * scale).ToString(format, CultureInfo.InvariantCulture)}");

    /// <summary>The runs by neuron, in first-seen order, each group by seed.</summary>
    public static List<(string Neuron, List<RunSummary> Runs)> Groups(IReadOnlyList<RunSummary> runs) =>
        runs.GroupBy(r => r.Config.Neuron).Select(g => (g.Key, g.OrderBy(r => r.Config.Seed).ToList())).ToList();

    /// <summary>The study as markdown.</summary>
    public static string Markdown(IReadOnlyList<RunSummary> runs)
    {
        var sb = new StringBuilder();
        var groups = Groups(runs);
        var first = runs[0].Config;
        var seeds = runs.Select(r => r.Config.Seed).Distinct().Order().ToList();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"# {first.Dataset}: {first.Model}, T = {first.TimeSteps}, {runs.Max(r => r.Rows.Count)} epochs, {seeds.Count} seed{(seeds.Count == 1 ? "" : "s")} ({string.Join(", ", seeds)})");
        sb.AppendLine();
        sb.AppendLine(first.ValidationFraction > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Each run's result is the test accuracy of its best checkpoint, selected on a stratified {first.ValidationFraction:P0} validation hold-out of the training split (split seed {first.SplitSeed}); the test split never selects. Mean ± sample standard deviation over seeds.")
            : "No validation hold-out (--val-fraction 0): each run's result is the test accuracy of its last epoch; the test split never selects. Mean ± sample standard deviation over seeds.");
        sb.AppendLine();
        sb.AppendLine("| neuron | runs | test acc (selected) | test acc (last epoch) | val acc (selected) | spikes / sample (test) | mean abs weight | weights near 0 (abs < 0.01) | params (train) | params (inference) | samples/s |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (neuron, g) in groups)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {neuron} | {g.Count} | {Pm(g.Select(r => r.Selected.TestAccuracy).ToList(), "F2", 100)} % | {Pm(g.Select(r => r.Rows[^1].TestAccuracy).ToList(), "F2", 100)} % | " +
                $"{(g.All(r => double.IsNaN(r.Selected.ValAccuracy)) ? "-" : Pm(g.Select(r => r.Selected.ValAccuracy).ToList(), "F2", 100) + " %")} | " +
                $"{Pm(g.Select(r => r.Selected.TestSpikesPerSample.Values.Sum()).ToList(), "F0")} | {Pm(g.Select(r => (double)r.FinalWeights.Average(Math.Abs)).ToList(), "F4")} | " +
                $"{Pm(g.Select(r => r.FinalWeights.Count(w => Math.Abs(w) < 0.01) / (double)r.FinalWeights.Length).ToList(), "F1", 100)} % | {g[0].TrainParameters:N0} | {g[0].InferenceParameters:N0} | " +
                $"{Pm(g.Select(r => r.Rows.Average(m => m.SamplesPerSecond)).ToList(), "F1")} |");
        }
        sb.AppendLine();
        var lif = groups.FirstOrDefault(g => g.Neuron == "lif").Runs;
        if (lif is not null && groups.Count > 1)
        {
            sb.AppendLine("Paired difference of test accuracy (selected) against LIF, same seeds, in percentage points; 95 % interval mean ± t(0.975, n - 1) sd / sqrt(n):");
            sb.AppendLine();
            sb.AppendLine("| neuron | pairs | mean difference | 95 % interval | per seed |");
            sb.AppendLine("| --- | ---: | ---: | --- | --- |");
            foreach (var (neuron, g) in groups.Where(g => g.Neuron != "lif"))
            {
                var pairs = g.Join(lif, r => r.Config.Seed, r => r.Config.Seed, (a, b) => (Seed: a.Config.Seed, A: a.Selected.TestAccuracy * 100, B: b.Selected.TestAccuracy * 100)).ToList();
                var (mean, low, high, n) = Statistics.PairedDifference(pairs.Select(p => p.A).ToList(), pairs.Select(p => p.B).ToList());
                string interval = double.IsNaN(low) ? "- (one pair)" : string.Create(CultureInfo.InvariantCulture, $"[{low:+0.00;-0.00}, {high:+0.00;-0.00}]");
                string perSeed = string.Join(", ", pairs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Seed}: {p.A - p.B:+0.00;-0.00}")));
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {neuron} | {n} | {mean:+0.00;-0.00} | {interval} | {perSeed} |");
            }
            sb.AppendLine();
        }
        var layers = runs[0].Selected.TestSpikesPerSample.Keys.ToList();
        sb.AppendLine("Spikes per sample per layer on the test split at the selected epoch, mean ± std over seeds (Fig. 3b):");
        sb.AppendLine();
        sb.AppendLine("| neuron | " + string.Join(" | ", layers) + " |");
        sb.AppendLine("| --- |" + string.Concat(layers.Select(_ => " ---: |")));
        foreach (var (neuron, g) in groups)
            sb.AppendLine($"| {neuron} | " + string.Join(" | ", layers.Select(l => Pm(g.Select(r => r.Selected.TestSpikesPerSample.GetValueOrDefault(l)).ToList(), "F1"))) + " |");
        sb.AppendLine();
        sb.AppendLine("Plots: `spikes_per_layer.png` (Fig. 3b, error bars one std over seeds), `weight_change.png` (Fig. 3a: density of trained minus initial weights, mean ± std over seeds), `weights.png` (final weight distributions).");
        sb.AppendLine();
        sb.AppendLine("Runs: " + string.Join(", ", runs.Select(r => $"`{r.Folder}`")));
        return sb.ToString();
    }

    /// <summary>Writes spikes_per_layer.png, weight_change.png and weights.png into <paramref name="folder"/>.</summary>
    public static void DrawPlots(IReadOnlyList<RunSummary> runs, string folder)
    {
        var groups = Groups(runs);
        var layers = runs[0].Selected.TestSpikesPerSample.Keys.ToList();
        Plots.SpikesPerLayer(layers,
            groups.Select(g => (g.Neuron, Stat(g.Runs, layers, (r, l) => r.Selected.TestSpikesPerSample.GetValueOrDefault(l)))).ToList(),
            Path.Combine(folder, "spikes_per_layer.png"), $"Spikes per sample per layer (test), mean ± std over {runs.Select(r => r.Config.Seed).Distinct().Count()} seeds");
        Plots.DensityBands(
            groups.Select(g => (g.Neuron, g.Runs.Select(r => r.FinalWeights.Zip(r.InitialWeights, (a, b) => a - b).ToArray()).ToList())).ToList(),
            Path.Combine(folder, "weight_change.png"), "Weight change (trained - initial), mean ± std over seeds", "weight change");
        Plots.WeightHistograms(
            [("initial", runs[0].InitialWeights), .. groups.Select(g => (g.Neuron, g.Runs[0].FinalWeights))],
            Path.Combine(folder, "weights.png"), $"Weight distribution: initial and trained (seed {runs[0].Config.Seed})");
    }

    private static (double[] Mean, double[] Std) Stat(List<RunSummary> runs, List<string> layers, Func<RunSummary, string, double> value) =>
        (layers.Select(l => Statistics.Mean(runs.Select(r => value(r, l)).ToList())).ToArray(),
         layers.Select(l => runs.Count < 2 ? 0 : Statistics.StandardDeviation(runs.Select(r => value(r, l)).ToList())).ToArray());
}
