using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aia.Engine.Training;

/// <summary>
/// Appends epoch metrics to <c>metrics.jsonl</c> (one JSON object per line) and rewrites <c>metrics.csv</c> (one
/// column per scalar and per layer) in a run folder. On resume, rows after the resumed epoch are dropped so the
/// files read exactly as if the run had never stopped.
/// </summary>
public sealed class MetricsLog(string folder)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The rows written so far.</summary>
    public List<EpochMetrics> Rows { get; } = Load(Path.Combine(folder, "metrics.jsonl"));

    /// <summary>Keeps only rows up to <paramref name="epoch"/> (resume).</summary>
    public void TruncateAfter(int epoch)
    {
        Rows.RemoveAll(r => r.Epoch > epoch);
        Save();
    }

    /// <summary>Adds a row and rewrites both files.</summary>
    public void Append(EpochMetrics row)
    {
        Rows.Add(row);
        Save();
    }

    private void Save()
    {
        var jsonl = new StringBuilder();
        foreach (var r in Rows) jsonl.AppendLine(JsonSerializer.Serialize(r, Json));
        IO.AtomicFile.WriteAllText(Path.Combine(folder, "metrics.jsonl"), jsonl.ToString());
        IO.AtomicFile.WriteAllText(Path.Combine(folder, "metrics.csv"), ToCsv(Rows));
    }

    /// <summary>The rows as CSV: scalars, then spikes_per_sample/&lt;layer&gt; and firing_rate/&lt;layer&gt; columns.</summary>
    public static string ToCsv(IReadOnlyList<EpochMetrics> rows)
    {
        var layers = rows.SelectMany(r => r.SpikesPerSample.Keys).Distinct().ToList();
        var sb = new StringBuilder();
        sb.Append("epoch,step,lr,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,step_ms,samples_per_s,peak_memory_mib,grad_norm");
        foreach (var l in layers) sb.Append(",spikes_per_sample/").Append(l);
        foreach (var l in layers) sb.Append(",firing_rate/").Append(l);
        sb.AppendLine();
        string F(double v) => double.IsNaN(v) ? "" : v.ToString("G6", CultureInfo.InvariantCulture);
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.Epoch},{r.Step},{F(r.LearningRate)},{F(r.TrainLoss)},{F(r.TrainAccuracy)},{F(r.ValLoss)},{F(r.ValAccuracy)},{F(r.TestLoss)},{F(r.TestAccuracy)},{F(r.StepMs)},{F(r.SamplesPerSecond)},{F(r.PeakMemoryMiB)},{F(r.GradNorm)}");
            foreach (var l in layers) sb.Append(',').Append(F(r.SpikesPerSample.GetValueOrDefault(l, double.NaN)));
            foreach (var l in layers) sb.Append(',').Append(F(r.FiringRate.GetValueOrDefault(l, double.NaN)));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>Largest metrics file read (a row is about 1 KB; this is a million epochs).</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>Reads the rows of a metrics.jsonl file (empty when absent).</summary>
    /// <exception cref="IO.CheckpointException">A line that is not a metrics row (the message gives its offset).</exception>
    public static List<EpochMetrics> Load(string path)
    {
        if (!File.Exists(path)) return [];
        string text = IO.BoundedFile.ReadAllText(path, MaxBytes, why => new IO.CheckpointException(path, null, why));
        var rows = new List<EpochMetrics>();
        long offset = 0;
        foreach (var line in text.Split('\n'))
        {
            long at = offset;
            offset += System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            if (line.Trim().Length == 0) continue;
            EpochMetrics? row;
            try
            {
                row = JsonSerializer.Deserialize<EpochMetrics>(line, Json);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                throw new IO.CheckpointException(path, at, $"line {rows.Count + 1} is not a metrics row ({Checkpoint.Short(e.Message)})", e);
            }
            if (row is null || row.Epoch < 1 || row.SpikesPerSample is null || row.TestSpikesPerSample is null || row.FiringRate is null)
                throw new IO.CheckpointException(path, at, $"line {rows.Count + 1} is not a metrics row (null, an epoch below 1, or null spike maps)");
            rows.Add(row);
        }
        return rows;
    }
}
