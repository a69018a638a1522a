using Aia.Engine.Runtime;

namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// A multi-step spiking neuron layer: input currents [T, N, C, H, W] or [T, N, F] in, spikes of the same shape
/// out. Every layer counts its spikes on the device as it runs (<see cref="Statistics"/>; a forward rerun by
/// <c>--memory low</c> does not count them again).
/// </summary>
public abstract class SpikingNeuron : Module
{
    /// <summary>Creates the layer with validated options (null: the paper's defaults).</summary>
    protected SpikingNeuron(NeuronOptions? options) => Options = (options ?? new NeuronOptions()).Validated();

    /// <summary>The layer's constants.</summary>
    public NeuronOptions Options { get; }

    /// <summary>Spike counts of this layer since the last <see cref="SpikeStatistics.Reset"/>.</summary>
    public SpikeStatistics Statistics { get; } = new();

    /// <inheritdoc/>
    public sealed override Tensor Forward(Tensor x)
    {
        var spikes = Fire(x);
        if (!x.Device.Tape.Recomputing)
            Statistics.Accumulate(spikes);
        return spikes;
    }

    /// <summary>Runs the neuron op.</summary>
    protected abstract Tensor Fire(Tensor x);
}
