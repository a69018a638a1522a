using System.Globalization;
using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;

namespace Aia.Engine.Models;

/// <summary>
/// A convolutional spiking network built from a <see cref="ModelSpec"/>: <c>features</c> (Conv-BN, neuron, pooling
/// blocks over time-major [T, N, C, H, W] tensors), then the flattened features through the linear
/// <c>classifier</c>, giving logits [T, N, K] whose mean over time is the prediction (the paper's readout).
/// </summary>
public sealed class SpikingNetwork : Module
{
    private SpikingNetwork(ModelSpec spec, NeuronKind neuron, Sequential features, Linear classifier, int[] inputShape)
    {
        Spec = spec;
        Neuron = neuron;
        Features = features;
        Classifier = classifier;
        InputShape = inputShape;
    }

    /// <summary>The layer spec.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The neuron type of every spiking layer.</summary>
    public NeuronKind Neuron { get; }

    /// <summary>The convolutional part.</summary>
    public Sequential Features { get; }

    /// <summary>The linear readout.</summary>
    public Linear Classifier { get; }

    /// <summary>[channels, height, width] of one input frame.</summary>
    public int[] InputShape { get; }

    /// <summary>
    /// How a recorded forward keeps activations for the backward: <see cref="MemoryMode.Low"/> runs <see cref="Features"/>
    /// through <see cref="Autodiff.SegmentCheckpoint"/> (the same gradients, less memory, more time).
    /// </summary>
    public MemoryMode Memory { get; set; }

    /// <summary>Whether this is a folded inference network (convolutions with bias, no BatchNorm, no beta).</summary>
    public bool IsFolded { get; private init; }

    /// <summary>
    /// Builds the network for inputs of [<paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>]
    /// and <paramref name="classes"/> outputs (any size: pooling floors odd sizes, as PyTorch does), initialised from <paramref name="seed"/> (Kaiming-normal fan-out convs).
    /// With <paramref name="folded"/> it builds the inference form that <see cref="Folding"/> fills: each Conv-BN
    /// becomes one convolution with bias, and AIA and cached AIA become LIF (their forward pass is LIF's).
    /// </summary>
    public static SpikingNetwork Create(Device device, ModelSpec spec, NeuronKind neuron, NeuronOptions options,
        int channels, int height, int width, int classes, int seed, bool folded = false)
    {
        if ((height >> spec.Pools) < 1 || (width >> spec.Pools) < 1)
            throw new ArgumentException(
                $"Model '{spec.Name}' pools {spec.Pools} times (each 2x2 pooling floors odd sizes, as PyTorch does), so the input must be at least {1 << spec.Pools}x{1 << spec.Pools}; got {height}x{width}.");
        var rng = new Rng((ulong)seed);
        var layers = new List<Module>();
        int c = channels, h = height, w = width;
        foreach (var token in spec.Layers)
        {
            if (ModelSpec.IsConv(token))
            {
                int outChannels = int.Parse(token, CultureInfo.InvariantCulture);
                if (folded)
                    layers.Add(new Conv2d(device, c, outChannels, 3, 1, 1, bias: true, rng));
                else
                    layers.Add(new ConvBn(new Conv2d(device, c, outChannels, 3, 1, 1, bias: false, rng), new BatchNorm2d(device, outChannels)));
                layers.Add(CreateNeuron(device, folded ? neuron.InferenceKind() : neuron, outChannels, options));
                c = outChannels;
            }
            else if (token is "A" or "M")
            {
                layers.Add(token == "A" ? new AvgPool2d(2) : new MaxPool2d(2));
                h /= 2; // floor((h - 2) / 2) + 1, PyTorch's size for odd inputs (the last row or column is dropped)
                w /= 2;
            }
            else
            {
                layers.Add(new Dropout(float.Parse(token[1..], CultureInfo.InvariantCulture), (ulong)seed));
            }
        }
        var classifier = new Linear(device, c * h * w, classes, bias: true, rng);
        return new SpikingNetwork(spec, neuron, new Sequential([.. layers]), classifier, [channels, height, width]) { IsFolded = folded };
    }

    /// <summary>A spiking layer of the given kind; cached AIA gets one beta per channel.</summary>
    public static SpikingNeuron CreateNeuron(Device device, NeuronKind kind, int channels, NeuronOptions options) => kind switch
    {
        NeuronKind.Lif => new LifNeuron(options),
        NeuronKind.If => new IfNeuron(options),
        NeuronKind.Plif => new PlifNeuron(device, options),
        NeuronKind.Aia => new AiaNeuron(options),
        NeuronKind.CachedAia => new CachedAiaNeuron(device, channels, options),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (x.Shape.Rank != 5 || x.Shape[2] != InputShape[0] || x.Shape[3] != InputShape[1] || x.Shape[4] != InputShape[2])
            throw new ArgumentException($"The network takes [T, N, {InputShape[0]}, {InputShape[1]}, {InputShape[2]}] inputs, got {x.Shape}.");
        var features = Memory == MemoryMode.Low && x.Device.Tape.IsRecording
            ? Autodiff.SegmentCheckpoint.Forward(Features.Layers, x)
            : Features.Forward(x);
        var flat = Ops.Elementwise.Reshape(features, new Shape(features.Shape[0], features.Shape[1], (int)features.Shape.Product(2, features.Shape.Rank)));
        features.Intermediate = features != x;
        flat.Intermediate = features != x;
        var logits = Classifier.Forward(flat);
        features.Consumed();
        flat.Consumed();
        return logits;
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Module Module)> Children() => [("features", Features), ("classifier", Classifier)];

    /// <summary>The spiking layers with their names (<c>features.1</c>, ...), in order.</summary>
    public IEnumerable<(string Name, SpikingNeuron Neuron)> SpikingLayers() =>
        Modules().Where(m => m.Module is SpikingNeuron).Select(m => (m.Name, (SpikingNeuron)m.Module));

    /// <summary>The convolution and linear weights with their names (for weight histograms).</summary>
    public IEnumerable<(string Name, Tensor Weight)> Weights() =>
        Modules().Where(m => m.Module is Conv2d or Linear).Select(m => (m.Name + ".weight", m.Module is Conv2d c ? c.Weight : ((Linear)m.Module).Weight));
}
