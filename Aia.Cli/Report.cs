using System.Globalization;
using System.Text;
using Aia.Engine.Training;

namespace Aia.Cli;

/// <summary>Plain-text and markdown tables for the terminal and for compare.md.</summary>
public static class Report
{
    /// <summary>What <c>aia eval</c> prints for an evaluated split: accuracy, loss, spikes per layer and the confusion matrix.</summary>
    public static string Evaluation(string split, EvalResult r, IReadOnlyList<string> classNames) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{split}: {r.Samples} samples, accuracy {r.Accuracy:P2}, loss {r.Loss:F4}, {r.TotalSpikesPerSample:F1} spikes per sample")
        + Environment.NewLine + Environment.NewLine
        + SpikeTable(r.SpikesPerSample, r.FiringRate, r.FiringRatePerStep) + Environment.NewLine
        + ConfusionMatrix(r.Confusion, classNames);

    /// <summary>Spikes per sample and firing rate per layer, and the firing rate of each time step.</summary>
    public static string SpikeTable(IReadOnlyDictionary<string, double> spikes, IReadOnlyDictionary<string, double> rates,
        IReadOnlyDictionary<string, double[]> perStep)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"layer",-16} {"spikes/sample",14} {"firing rate",12}  per time step");
        foreach (var (layer, s) in spikes)
        {
            string steps = string.Join(" ", perStep.GetValueOrDefault(layer, []).Select(r => r.ToString("P1", CultureInfo.InvariantCulture)));
            sb.AppendLine(CultureInfo.InvariantCulture, $"{layer,-16} {s,14:F1} {rates.GetValueOrDefault(layer),12:P2}  {steps}");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"total",-16} {spikes.Values.Sum(),14:F1}");
        return sb.ToString();
    }

    /// <summary>The confusion matrix, rows = true class, columns = predicted class.</summary>
    public static string ConfusionMatrix(int[,] m, IReadOnlyList<string> names)
    {
        int k = m.GetLength(0);
        var sb = new StringBuilder("confusion (rows: true class, columns: predicted)\n");
        sb.Append(CultureInfo.InvariantCulture, $"{"",14}");
        for (int j = 0; j < k; j++) sb.Append(CultureInfo.InvariantCulture, $"{j,6}");
        sb.AppendLine();
        for (int i = 0; i < k; i++)
        {
            string name = i < names.Count ? names[i] : i.ToString(CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{i,2} {(name.Length > 10 ? name[..10] : name),-10} ");
            for (int j = 0; j < k; j++) sb.Append(CultureInfo.InvariantCulture, $"{m[i, j],6}");
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
