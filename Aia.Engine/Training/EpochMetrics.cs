namespace Aia.Engine.Training;

/// <summary>One row of <c>metrics.jsonl</c> / <c>metrics.csv</c>: what an epoch did.</summary>
public sealed record EpochMetrics
{
    /// <summary>Epoch number, from 1.</summary>
    public int Epoch { get; init; }
    /// <summary>Optimizer steps taken so far.</summary>
    public long Step { get; init; }
    /// <summary>Learning rate used in the epoch's last step.</summary>
    public double LearningRate { get; init; }
    /// <summary>Mean training loss.</summary>
    public double TrainLoss { get; init; }
    /// <summary>Training accuracy (fraction).</summary>
    public double TrainAccuracy { get; init; }
    /// <summary>Validation loss (NaN when there is no validation split).</summary>
    public double ValLoss { get; init; } = double.NaN;
    /// <summary>Validation accuracy.</summary>
    public double ValAccuracy { get; init; } = double.NaN;
    /// <summary>Test loss.</summary>
    public double TestLoss { get; init; } = double.NaN;
    /// <summary>Test accuracy.</summary>
    public double TestAccuracy { get; init; } = double.NaN;
    /// <summary>Mean wall time of a training step in milliseconds.</summary>
    public double StepMs { get; init; }
    /// <summary>Training samples per second (whole epoch, data loading included).</summary>
    public double SamplesPerSecond { get; init; }
    /// <summary>Most device memory held at once, in MiB.</summary>
    public double PeakMemoryMiB { get; init; }
    /// <summary>Global gradient norm of the last step (before clipping).</summary>
    public double GradNorm { get; init; } = double.NaN;
    /// <summary>Spikes per sample per spiking layer during training (layer name to count).</summary>
    public IReadOnlyDictionary<string, double> SpikesPerSample { get; init; } = new Dictionary<string, double>();
    /// <summary>Spikes per sample per spiking layer on the test split (inference behaviour, the paper's Fig. 3b).</summary>
    public IReadOnlyDictionary<string, double> TestSpikesPerSample { get; init; } = new Dictionary<string, double>();
    /// <summary>Firing rate per spiking layer (spikes / (neurons * T)).</summary>
    public IReadOnlyDictionary<string, double> FiringRate { get; init; } = new Dictionary<string, double>();
}
