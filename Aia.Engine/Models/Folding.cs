using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;

namespace Aia.Engine.Models;

/// <summary>
/// Folds a trained network into its inference form: every Conv-BN (and the cache beta of cached AIA, Eq. 8-9, which
/// scales BN's output per channel) becomes one convolution with bias. With y = gamma (conv(x) + b0 - mean) /
/// sqrt(var + eps) + beta_bn and z = beta y:
/// W'[c] = s[c] W[c], b'[c] = beta[c] (gamma[c] (b0[c] - mean[c]) / sqrt(var[c] + eps) + beta_bn[c]),
/// s[c] = beta[c] gamma[c] / sqrt(var[c] + eps). The folded cached-AIA network therefore has exactly the folded LIF
/// network's parameters: "no additional parameters at inference".
/// </summary>
public static class Folding
{
    /// <summary>Builds the folded network of <paramref name="trained"/> (in evaluation semantics: running statistics).</summary>
    public static SpikingNetwork Fold(SpikingNetwork trained, Runtime.Device device, NeuronOptions options, int seed = 0)
    {
        if (trained.IsFolded)
            throw new ArgumentException("The network is already folded.");
        var shape = trained.InputShape;
        var folded = SpikingNetwork.Create(device, trained.Spec, trained.Neuron, options, shape[0], shape[1], shape[2],
            trained.Classifier.Weight.Shape[0], seed, folded: true);
        var source = trained.Features.Layers;
        var target = folded.Features.Layers;
        for (int i = 0; i < source.Count; i++)
        {
            switch (source[i])
            {
                case ConvBn block:
                    var beta = source[i + 1] is CachedAiaNeuron cached ? cached.Beta.ToArray() : null;
                    FoldInto(block, beta, (Conv2d)target[i]);
                    break;
                case PlifNeuron plif:
                    ((PlifNeuron)target[i]).W.CopyFrom(plif.W.ToArray());
                    break;
            }
        }
        folded.Classifier.Weight.CopyFrom(trained.Classifier.Weight.ToArray());
        if (trained.Classifier.Bias is { } bias)
            folded.Classifier.Bias!.CopyFrom(bias.ToArray());
        folded.Eval();
        return folded;
    }

    private static void FoldInto(ConvBn block, float[]? beta, Conv2d target)
    {
        var w = block.Conv.Weight.ToArray();
        var b0 = block.Conv.Bias?.ToArray();
        var gamma = block.Bn.Weight.ToArray();
        var shift = block.Bn.Bias.ToArray();
        var mean = block.Bn.RunningMean.ToArray();
        var variance = block.Bn.RunningVar.ToArray();
        int channels = gamma.Length, perChannel = w.Length / channels;
        var foldedWeight = new float[w.Length];
        var foldedBias = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double b = beta?[c] ?? 1.0;
            double inv = gamma[c] / Math.Sqrt(variance[c] + block.Bn.Eps);
            for (int k = 0; k < perChannel; k++)
                foldedWeight[c * perChannel + k] = (float)(b * inv * w[c * perChannel + k]);
            foldedBias[c] = (float)(b * (inv * ((b0?[c] ?? 0) - mean[c]) + shift[c]));
        }
        target.Weight.CopyFrom(foldedWeight);
        target.Bias!.CopyFrom(foldedBias);
    }
}
