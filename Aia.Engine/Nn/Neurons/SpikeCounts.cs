namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// What a layer fired over the forward passes since the last reset (Fig. 3b of the paper: spikes per layer).
/// </summary>
/// <param name="PerStep">Spikes per time step t.</param>
/// <param name="NeuronsPerStep">Neurons observed per time step t (sum over forward passes of N * C * H * W).</param>
public sealed record SpikeCounts(long[] PerStep, long[] NeuronsPerStep)
{
    /// <summary>All spikes.</summary>
    public long Total => PerStep.Sum();

    /// <summary>All neuron time steps observed.</summary>
    public long NeuronSteps => NeuronsPerStep.Sum();

    /// <summary>Spikes per neuron and time step (0 when nothing was observed).</summary>
    public double FiringRate => NeuronSteps == 0 ? 0 : (double)Total / NeuronSteps;

    /// <summary>The counts of two periods together.</summary>
    public SpikeCounts Plus(SpikeCounts other)
    {
        int n = Math.Max(PerStep.Length, other.PerStep.Length);
        var spikes = new long[n];
        var neurons = new long[n];
        for (int t = 0; t < n; t++)
        {
            spikes[t] = PerStep.ElementAtOrDefault(t) + other.PerStep.ElementAtOrDefault(t);
            neurons[t] = NeuronsPerStep.ElementAtOrDefault(t) + other.NeuronsPerStep.ElementAtOrDefault(t);
        }
        return new SpikeCounts(spikes, neurons);
    }

    /// <summary>The firing rate of time step <paramref name="t"/>.</summary>
    public double FiringRateAt(int t) => NeuronsPerStep[t] == 0 ? 0 : (double)PerStep[t] / NeuronsPerStep[t];
}
