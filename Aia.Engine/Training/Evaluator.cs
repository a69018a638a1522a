using Aia.Engine.Data;
using Aia.Engine.Models;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Training;

/// <summary>Runs a network over a split without gradients: loss, accuracy, confusion matrix and spikes per layer.</summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> (a trained <see cref="SpikingNetwork"/> or one read from NIR, logits [T, N, K]) on <paramref name="data"/> in evaluation mode (running BN statistics), in
    /// batches of <paramref name="batchSize"/>; <paramref name="progress"/> is called after each batch with (batch, batches).
    /// </summary>
    public static EvalResult Evaluate(Device device, Nn.Module model, FrameDataset data, int batchSize, Action<int, int>? progress = null)
    {
        var loader = new DataLoader(data, batchSize, seed: 0, shuffle: false);
        var layers = model.Modules().Where(m => m.Module is Nn.Neurons.SpikingNeuron).Select(m => (m.Name, (Nn.Neurons.SpikingNeuron)m.Module)).ToList();
        foreach (var (_, n) in layers) n.Statistics.Reset();
        int classes = data.Classes;
        var confusion = new int[classes, classes];
        using var lossSum = Tensor.Persistent(device, new Shape(1));
        bool wasTraining = model.Training;
        model.Eval();
        int samples = 0, batch = 0;
        try
        {
            using var _ = device.Tape.NoGrad();
            foreach (var b in loader.Epoch(0))
            {
                device.Arena.Reset();
                var x = Tensor.FromArray(device, new Shape(b.Shape), b.Frames);
                var labels = device.Arena.Upload(b.Targets);
                var logits = Time.MeanOverTime(model.Forward(x));
                var loss = Losses.CrossEntropy(logits, labels);
                Elementwise.Accumulate(device, loss.View, lossSum.View, b.Count);
                var host = logits.ToArray();
                for (int i = 0; i < b.Count; i++)
                    confusion[b.Targets[i], ArgMax(host.AsSpan(i * classes, classes))]++;
                samples += b.Count;
                progress?.Invoke(++batch, loader.BatchesPerEpoch);
            }
        }
        finally
        {
            model.Train(wasTraining);
            device.Arena.Reset();
        }
        int correct = 0;
        for (int c = 0; c < classes; c++) correct += confusion[c, c];
        var summary = SpikeSummary(layers, samples);
        return new EvalResult(samples, lossSum.ToArray()[0] / samples, (double)correct / samples, confusion,
            summary.SpikesPerSample, summary.FiringRate, summary.FiringRatePerStep);
    }

    /// <summary>
    /// Spikes per sample, firing rate and firing rate per time step of each layer since its statistics were last
    /// reset, then resets them.
    /// </summary>
    public static (Dictionary<string, double> SpikesPerSample, Dictionary<string, double> FiringRate, Dictionary<string, double[]> FiringRatePerStep)
        SpikeSummary(IEnumerable<(string Name, Nn.Neurons.SpikingNeuron Neuron)> layers, long samples)
    {
        var spikes = new Dictionary<string, double>();
        var rates = new Dictionary<string, double>();
        var perStep = new Dictionary<string, double[]>();
        foreach (var (name, neuron) in layers)
        {
            var counts = neuron.Statistics.Read();
            neuron.Statistics.Reset();
            spikes[name] = samples == 0 ? 0 : (double)counts.Total / samples;
            rates[name] = counts.FiringRate;
            perStep[name] = Enumerable.Range(0, counts.PerStep.Length).Select(counts.FiringRateAt).ToArray();
        }
        return (spikes, rates, perStep);
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++)
            if (v[i] > v[best]) best = i;
        return best;
    }
}
