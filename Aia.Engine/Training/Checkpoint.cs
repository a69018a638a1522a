using System.Globalization;
using System.Text.Json;
using Aia.Engine.IO;
using Aia.Engine.Runtime;

namespace Aia.Engine.Training;

/// <summary>
/// A training checkpoint: one safetensors file with the model's parameters and buffers (under their state-dict
/// names) and the optimizer's state (under <c>optimizer.</c>), plus the training state as JSON in the file's
/// metadata — one file, written atomically, so a crash mid-write never leaves a torn checkpoint. A JSON sidecar with
/// the same state is written next to it for people and scripts.
/// </summary>
public static class Checkpoint
{
    /// <summary>Metadata key holding the <see cref="TrainingState"/> JSON.</summary>
    public const string StateKey = "aia.training_state";

    /// <summary>Prefix of optimizer tensors.</summary>
    public const string OptimizerPrefix = "optimizer.";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes model and optimizer tensors plus <paramref name="state"/> to <paramref name="path"/>.</summary>
    public static void Save(string path, IEnumerable<(string Name, Tensor Tensor)> model,
        IEnumerable<(string Name, Tensor Tensor)> optimizer, TrainingState state)
    {
        var tensors = Safetensors.FromDevice(model)
            .Concat(Safetensors.FromDevice(optimizer.Select(o => (OptimizerPrefix + o.Name, o.Tensor))));
        string json = JsonSerializer.Serialize(state, Json);
        Safetensors.Write(path, tensors, new Dictionary<string, string>
        {
            [StateKey] = json,
            ["format"] = "pt",
            ["written"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        });
        AtomicFile.WriteAllText(Path.ChangeExtension(path, ".json"), json);
    }

    /// <summary>Reads a checkpoint: tensors by name and the training state (validated: <see cref="TrainingState.Problem"/>).</summary>
    /// <exception cref="CheckpointException">Not a safetensors file, no training state, or a state that is not valid.</exception>
    public static (Dictionary<string, HostTensor> Tensors, TrainingState State) Load(string path)
    {
        var (tensors, meta) = Safetensors.Read(path);
        if (!meta.TryGetValue(StateKey, out var json))
            throw new CheckpointException(path, null, $"a safetensors file, but not an aia training checkpoint (no '{StateKey}' metadata)");
        var state = ParseState(path, json);
        return (tensors, state);
    }

    /// <summary>
    /// Rewrites the JSON sidecar of the checkpoint at <paramref name="path"/> from the state stored inside it when the two
    /// differ (a kill between the checkpoint's write and the sidecar's leaves the sidecar an epoch behind); returns
    /// whether it did. The checkpoint is the record; the sidecar is its copy for people and scripts.
    /// </summary>
    public static bool RepairSidecar(string path)
    {
        var (_, meta) = Safetensors.Read(path);
        if (!meta.TryGetValue(StateKey, out var json)) return false;
        string sidecar = Path.ChangeExtension(path, ".json");
        if (File.Exists(sidecar) && BoundedFile.ReadAllText(sidecar, 64L << 20, why => new CheckpointException(sidecar, null, why)) == json) return false;
        AtomicFile.WriteAllText(sidecar, json);
        return true;
    }

    /// <summary>Parses and validates training-state JSON read from <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">Not JSON, not an object of the expected fields, or values that cannot be.</exception>
    public static TrainingState ParseState(string path, string json)
    {
        TrainingState? state;
        try
        {
            state = JsonSerializer.Deserialize<TrainingState>(json, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new CheckpointException(path, null, $"the training state is not valid JSON of a training state ({Short(e.Message)})", e);
        }
        if (state is null) throw new CheckpointException(path, null, "the training state is empty (null)");
        if (state.Problem() is { } problem) throw new CheckpointException(path, null, $"the training state is not valid: {problem}");
        return state;
    }

    /// <summary>A serializer message without its trailing path and position details.</summary>
    internal static string Short(string message) => message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ');

    /// <summary>Copies tensors into device tensors by name; every target must be present with the same shape.</summary>
    public static void Restore(string path, IReadOnlyDictionary<string, HostTensor> tensors, IEnumerable<(string Name, Tensor Tensor)> targets, string prefix = "")
    {
        foreach (var (name, target) in targets)
        {
            if (!tensors.TryGetValue(prefix + name, out var t))
                throw new CheckpointException(path, null, $"tensor '{prefix + name}' is missing (was the checkpoint written by another model?)");
            if (!t.Shape.SequenceEqual(target.Shape.ToArray()))
                throw new CheckpointException(path, null, $"tensor '{prefix + name}' has shape [{string.Join(", ", t.Shape)}], the model expects {target.Shape}");
            target.CopyFrom(t.Data);
        }
    }

    /// <summary>Serialises a training state (for the sidecar and the run's config).</summary>
    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    /// <summary>Deserialises JSON written by <see cref="ToJson{T}"/>.</summary>
    public static T FromJson<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)!;
}

/// <summary>Everything besides tensors that a resumed run needs to continue exactly.</summary>
public sealed record TrainingState
{
    /// <summary>The run's configuration.</summary>
    public required TrainingConfig Config { get; init; }
    /// <summary>[channels, height, width] of one input frame.</summary>
    public int[] InputShape { get; init; } = [];
    /// <summary>The class names, in label order.</summary>
    public string[] ClassNames { get; init; } = [];
    /// <summary>Step counters of the dropout layers (their masks depend on it).</summary>
    public Dictionary<string, long> DropoutSteps { get; init; } = [];
    /// <summary>Epochs completed.</summary>
    public int Epoch { get; init; }
    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; init; }
    /// <summary>Best validation (or test) accuracy so far and its epoch.</summary>
    public double BestAccuracy { get; init; } = double.NaN;
    /// <summary>Epoch of <see cref="BestAccuracy"/>.</summary>
    public int BestEpoch { get; init; }
    /// <summary>Batches of epoch <see cref="Epoch"/> + 1 already trained (an interrupted epoch), else 0.</summary>
    public int BatchInEpoch { get; init; }
    /// <summary>The running sums of an interrupted epoch.</summary>
    public EpochTotals? Partial { get; init; }
    /// <summary>The optimizer's per-parameter step counts (Adam's bias correction).</summary>
    public Dictionary<string, long> OptimizerSteps { get; init; } = [];

    /// <summary>What makes this state unusable (null fields, negative counters, a bad config), or null.</summary>
    public string? Problem()
    {
        if (Config is null) return "config is missing";
        if (InputShape is null || ClassNames is null || DropoutSteps is null || OptimizerSteps is null)
            return "input_shape, class_names, dropout_steps or optimizer_steps is null";
        if (ClassNames.Any(n => n is null) || ClassNames.Length > 100_000) return "class_names holds a null or more than 100000 names";
        if (InputShape.Length != 0 && (InputShape.Length != 3 || InputShape[0] != 2 || InputShape[1] is <= 0 or > Data.FrameSettings.MaxSide || InputShape[2] is <= 0 or > Data.FrameSettings.MaxSide))
            return $"input_shape [{string.Join(", ", InputShape)}] is not [2, H, W] with H and W in [1, {Data.FrameSettings.MaxSide}]";
        if (Epoch < 0 || Step < 0 || BestEpoch < 0 || BatchInEpoch < 0) return "epoch, step, best_epoch or batch_in_epoch is negative";
        if (Partial is { } p && (p.Samples < 0 || p.Batches < 0 || p.Correct < 0 || p.Correct > p.Samples))
            return "partial holds negative or impossible counts";
        return Config.Problem();
    }
}

/// <summary>Running sums of a training epoch (kept in a checkpoint when the epoch was interrupted).</summary>
public sealed record EpochTotals
{
    /// <summary>Sum over samples of the loss.</summary>
    public double LossSum { get; init; }
    /// <summary>Correct predictions.</summary>
    public int Correct { get; init; }
    /// <summary>Samples trained.</summary>
    public int Samples { get; init; }
    /// <summary>Wall time spent.</summary>
    public double Seconds { get; init; }
    /// <summary>Batches trained.</summary>
    public int Batches { get; init; }
    /// <summary>Spike counts per layer so far.</summary>
    public Dictionary<string, Nn.Neurons.SpikeCounts>? Spikes { get; init; }
}
