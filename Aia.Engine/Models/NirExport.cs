using Aia.Engine.IO.Nir;
using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;

namespace Aia.Engine.Models;

/// <summary>
/// The folded inference network as a NIR graph: Input [2, H, W] -> per block Conv2d (BN and cached AIA's beta
/// folded in) -> LIF or IF over [C, H, W] -> AvgPool2d ... -> Flatten -> Affine (the classifier) -> Output [K].
/// A spiking layer with decay lambda (Eq. 1: u[t] = lambda u[t-1] (1 - o[t-1]) + x[t]) becomes NIR's LIF in the
/// discrete convention of snnTorch and SpikingJelly with <see cref="Dt"/>: tau = dt / (1 - lambda),
/// r = 1 / (1 - lambda), v_leak = 0, v_reset = 0, v_threshold = Vth, so that a forward-Euler step
/// v += dt / tau (v_leak - v + r I) is u = lambda u + I. IF is NIR's IF with r = 1. PLIF exports its learned
/// lambda = sigmoid(w); AIA and cached AIA fire as LIF (their Eq. 6-9 change only the gradient) and export as LIF.
/// </summary>
public static class NirExport
{
    /// <summary>The time step of the discrete convention (NIR stores none; snnTorch and SpikingJelly exports use 1e-4).</summary>
    public const double Dt = 1e-4;

    /// <summary>The NIR graph of <paramref name="folded"/> (from <see cref="Folding.Fold"/>), with <paramref name="metadata"/> on the graph.</summary>
    public static NirGraph Graph(SpikingNetwork folded, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!folded.IsFolded)
            throw new ArgumentException("NirExport: fold the network first (Folding.Fold); NIR has no BatchNorm node.");
        long c = folded.InputShape[0], h = folded.InputShape[1], w = folded.InputShape[2];
        var chain = new List<(string, NirNode)> { ("input", new NirInput([c, h, w])) };
        var layers = folded.Features.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            string name = $"features_{i}";
            switch (layers[i])
            {
                case Conv2d conv:
                    long k = conv.Weight.Shape[2];
                    chain.Add((name, new NirConv2d(Host(conv.Weight), Host(conv.Bias!), [conv.Stride, conv.Stride], [conv.Padding, conv.Padding], null,
                        [1, 1], 1, [h, w])));
                    c = conv.Weight.Shape[0];
                    h = NirTypes.ConvolvedLength(h, conv.Padding, 1, k, conv.Stride);
                    w = NirTypes.ConvolvedLength(w, conv.Padding, 1, k, conv.Stride);
                    break;
                case SpikingNeuron neuron:
                    chain.Add((name, Neuron(neuron, [c, h, w])));
                    break;
                case AvgPool2d pool:
                    chain.Add((name, new NirAvgPool2d([pool.Kernel, pool.Kernel], [pool.Stride, pool.Stride], [0, 0])));
                    h = NirTypes.ConvolvedLength(h, 0, 1, pool.Kernel, pool.Stride);
                    w = NirTypes.ConvolvedLength(w, 0, 1, pool.Kernel, pool.Stride);
                    break;
                case MaxPool2d:
                    throw new ArgumentException($"NirExport: layer {name} is max pooling, which NIR has no node for; use average pooling (A) in the model spec.");
                case Dropout:
                    break; // the identity at inference
                default:
                    throw new ArgumentException($"NirExport: layer {name} ({layers[i].GetType().Name}) has no NIR node.");
            }
        }
        var classifier = folded.Classifier;
        long classes = classifier.Weight.Shape[0];
        chain.Add(("flatten", new NirFlatten(0, -1, [c, h, w])));
        chain.Add(("classifier", new NirAffine(Host(classifier.Weight),
            classifier.Bias is { } b ? Host(b) : NirArray.Filled([classes], 0f))));
        chain.Add(("output", new NirOutput([classes])));
        return NirGraph.Sequential(chain, metadata);
    }

    /// <summary>NIR's LIF for decay <paramref name="decay"/> (&lt; 1) and threshold, or IF for decay 1, over <paramref name="shape"/>.</summary>
    public static NirNode Neuron(float decay, float threshold, long[] shape)
    {
        if (decay == 1f)
            return new NirIf(NirArray.Filled(shape, 1f), NirArray.Filled(shape, threshold), NirArray.Filled(shape, 0f));
        double leak = 1.0 - decay;
        return new NirLif(NirArray.Filled(shape, (float)(Dt / leak)), NirArray.Filled(shape, (float)(1.0 / leak)),
            NirArray.Filled(shape, 0f), NirArray.Filled(shape, 0f), NirArray.Filled(shape, threshold));
    }

    private static NirNode Neuron(SpikingNeuron neuron, long[] shape) => neuron switch
    {
        PlifNeuron plif => Neuron(plif.ReadDecay(), plif.Options.Threshold, shape),
        AiaNeuron or CachedAiaNeuron => throw new ArgumentException("NirExport: fold the network first; folded AIA layers are LIF."),
        LifNeuron lif => Neuron(lif.Options.Decay, lif.Options.Threshold, shape), // IfNeuron is LifNeuron with decay 1
        _ => throw new ArgumentException($"NirExport: no NIR node for {neuron.GetType().Name}."),
    };

    private static NirArray Host(Runtime.Tensor t) => new(t.ToArray(), t.Shape.ToArray().Select(d => (long)d).ToArray());
}
