using Aia.Engine.IO;
using Aia.Engine.Training;

namespace Aia.Cli.Commands;

/// <summary>What <c>aia compare</c> reads of a finished run folder.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Config">Its configuration.</param>
/// <param name="Rows">Its metrics, one row per epoch.</param>
/// <param name="SelectedEpoch">The epoch of the best checkpoint (selected on validation, or the last epoch without a hold-out).</param>
/// <param name="InitialWeights">Conv and linear weights at initialisation, in name order.</param>
/// <param name="FinalWeights">The same weights after the last epoch.</param>
/// <param name="TrainParameters">Parameters trained (BN and neuron parameters included).</param>
/// <param name="InferenceParameters">Parameters after folding BN and beta into the convolutions.</param>
public sealed record RunSummary(string Folder, TrainingConfig Config, IReadOnlyList<EpochMetrics> Rows, int SelectedEpoch, float[] InitialWeights,
    float[] FinalWeights, long TrainParameters, long InferenceParameters)
{
    /// <summary>The metrics of the selected epoch: its test accuracy is the run's reported result.</summary>
    public EpochMetrics Selected => Rows.FirstOrDefault(r => r.Epoch == SelectedEpoch) ?? Rows[^1];

    /// <summary>Reads metrics, config, the selected epoch and the initial and last weights of a run folder.</summary>
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
        int selected = state.BestEpoch > 0 ? state.BestEpoch : rows[^1].Epoch;
        return new RunSummary(run.Root, state.Config, rows, selected,
            names.SelectMany(n => initial[n].Data).ToArray(), names.SelectMany(n => last[n].Data).ToArray(), train, inference);
    }

    private static bool IsWeight(string name) =>
        name.EndsWith(".conv.weight", StringComparison.Ordinal) || name == "classifier.weight";
}
