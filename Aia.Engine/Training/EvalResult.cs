namespace Aia.Engine.Training;

/// <summary>What an evaluation pass measured on one split.</summary>
/// <param name="Samples">Samples evaluated.</param>
/// <param name="Loss">Mean cross entropy of the time-averaged logits.</param>
/// <param name="Accuracy">Fraction classified correctly.</param>
/// <param name="Confusion">Counts [true class, predicted class].</param>
/// <param name="SpikesPerSample">Spikes per sample per spiking layer.</param>
/// <param name="FiringRate">Spikes / (neurons * T) per spiking layer.</param>
/// <param name="FiringRatePerStep">The firing rate of each time step, per spiking layer.</param>
public sealed record EvalResult(
    int Samples,
    double Loss,
    double Accuracy,
    int[,] Confusion,
    IReadOnlyDictionary<string, double> SpikesPerSample,
    IReadOnlyDictionary<string, double> FiringRate,
    IReadOnlyDictionary<string, double[]> FiringRatePerStep)
{
    /// <summary>Total spikes per sample over all layers.</summary>
    public double TotalSpikesPerSample => SpikesPerSample.Values.Sum();
}
