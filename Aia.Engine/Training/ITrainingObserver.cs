namespace Aia.Engine.Training;

/// <summary>Live progress of a <see cref="Trainer"/> (the CLI draws progress bars from it). Every method is optional.</summary>
public interface ITrainingObserver
{
    /// <summary>An epoch begins.</summary>
    void EpochStarted(int epoch, int epochs, int batches) { }

    /// <summary>A log interval ended: running means of the epoch so far.</summary>
    void Progress(int epoch, int batch, int batches, double loss, double accuracy, double samplesPerSecond) { }

    /// <summary>An evaluation pass advanced.</summary>
    void Evaluating(string split, int batch, int batches) { }

    /// <summary>An epoch ended (after evaluation and checkpointing).</summary>
    void EpochCompleted(EpochMetrics metrics) { }
}
