using Aia.Engine.Models;
using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;
using Aia.Tests.Support;

namespace Aia.Tests.Nir;

/// <summary>Seeded networks whose folding is not trivial (random BN statistics, cache beta, PLIF decay), for the NIR tests.</summary>
internal static class NirModels
{
    public const int Size = 16, Classes = 10;

    public static NeuronOptions Options(string neuron) =>
        neuron switch
        {
            "lif" => new NeuronOptions { Decay = 0.6f, Threshold = 0.8f },
            // Fang's PLIF settles at its input (u += (x - u) / tau), not at x / (1 - lambda): a lower threshold keeps
            // every layer of these random networks firing.
            "plif" => new NeuronOptions { Threshold = 0.4f },
            _ => new NeuronOptions(),
        };

    /// <summary>A network of <paramref name="spec"/> with <paramref name="neuron"/> and its folded form.</summary>
    public static (SpikingNetwork Trained, SpikingNetwork Folded) Create(string spec, string neuron, int seed = 3)
    {
        var d = TestDevice.Cpu;
        var options = Options(neuron);
        var model = SpikingNetwork.Create(d, ModelSpec.Parse(spec), NeuronKinds.Parse(neuron), options, 2, Size, Size, Classes, seed);
        var rng = new Random(seed);
        float U(double lo, double hi) => (float)(lo + (hi - lo) * rng.NextDouble());
        foreach (var (_, m) in model.Modules())
        {
            switch (m)
            {
                case BatchNorm bn:
                    bn.Weight.CopyFrom(Enumerable.Range(0, bn.Features).Select(_ => U(0.6, 1.6)).ToArray());
                    bn.Bias.CopyFrom(Enumerable.Range(0, bn.Features).Select(_ => U(-0.1, 0.6)).ToArray());
                    bn.RunningMean.CopyFrom(Enumerable.Range(0, bn.Features).Select(_ => U(-0.2, 0.2)).ToArray());
                    bn.RunningVar.CopyFrom(Enumerable.Range(0, bn.Features).Select(_ => U(0.5, 2.0)).ToArray());
                    break;
                case CachedAiaNeuron cached:
                    cached.Beta.CopyFrom(Enumerable.Range(0, (int)cached.Beta.Length).Select(_ => U(0.6, 1.5)).ToArray());
                    break;
                case PlifNeuron plif:
                    plif.W.CopyFrom([U(-0.5, 1.5)]);
                    break;
            }
        }
        model.Eval();
        return (model, Folding.Fold(model, d, options, seed));
    }

    /// <summary>Seeded event-count frames [T, N, 2, Size, Size] in {0, 1, 2}.</summary>
    public static Tensor Input(int timesteps, int batch, int seed = 11)
    {
        var rng = new Random(seed);
        var data = new float[timesteps * batch * 2 * Size * Size];
        for (int i = 0; i < data.Length; i++)
        {
            double p = rng.NextDouble();
            data[i] = p < 0.7 ? 0 : p < 0.92 ? 1 : 2;
        }
        return Tensor.FromArray(TestDevice.Cpu, new Shape(timesteps, batch, 2, Size, Size), data);
    }
}
