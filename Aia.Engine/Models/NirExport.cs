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

    /// <summary>
    /// NIR's LIF for u[t] = <paramref name="decay"/> u[t-1] + <paramref name="inputScale"/> x[t] (decay &lt; 1):
    /// dt/tau = 1 - decay and r dt/tau = inputScale, so tau = dt / (1 - decay) and r = inputScale / (1 - decay)
    /// (the engine's LIF, scale 1: r = 1 / (1 - lambda); Fang's PLIF, decay 1 - 1/tau and scale 1/tau: r = 1);
    /// IF (r = inputScale) for decay 1.
    /// </summary>
    public static NirNode Neuron(float decay, float inputScale, float threshold, long[] shape) =>
        Neuron(1.0 - decay, inputScale, threshold, shape);

    private static NirNode Neuron(double leak, double inputScale, float threshold, long[] shape)
    {
        if (leak == 0)
            return new NirIf(NirArray.Filled(shape, (float)inputScale), NirArray.Filled(shape, threshold), NirArray.Filled(shape, 0f));
        return new NirLif(NirArray.Filled(shape, (float)(Dt / leak)), NirArray.Filled(shape, (float)(inputScale / leak)),
            NirArray.Filled(shape, 0f), NirArray.Filled(shape, 0f), NirArray.Filled(shape, threshold));
    }

    private static NirNode Neuron(SpikingNeuron neuron, long[] shape) => neuron switch
    {
        PlifNeuron plif => Neuron((double)plif.ReadInverseTau(), plif.ReadInverseTau(), plif.Options.Threshold, shape), // u += (x - u) / tau
        AiaNeuron or CachedAiaNeuron => throw new ArgumentException("NirExport: fold the network first; folded AIA layers are LIF."),
        LifNeuron lif => Neuron(lif.Options.Decay, 1f, lif.Options.Threshold, shape), // IfNeuron is LifNeuron with decay 1
        _ => throw new ArgumentException($"NirExport: no NIR node for {neuron.GetType().Name}."),
    };

    private static NirArray Host(Runtime.Tensor t) => new(t.ToArray(), t.Shape.ToArray().Select(d => (long)d).ToArray());
}
