using Aia.Engine.Runtime;

namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// Cached AIA (Eq. 8-9), the paper's best neuron: f(x) = beta x with a learnable cache beta per channel (conv,
/// dim 2 of [T, N, C, H, W]) or unit (linear, [T, N, F]), initialised to 1 so training starts exactly as LIF.
/// Backward: dx = beta du, dL/dbeta = sum of du x. At inference beta is folded into the preceding BatchNorm's
/// affine parameters; the layer then becomes <see cref="ToLif"/>, and the exported network has LIF's parameters.
/// </summary>
public sealed class CachedAiaNeuron : SpikingNeuron
{
    /// <summary>Creates the layer on <paramref name="device"/> for <paramref name="channels"/> channels or units.</summary>
    public CachedAiaNeuron(Device device, int channels, NeuronOptions? options = null) : base(options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        Beta = CreateParameter(device, new Shape(channels), "beta");
        Init.Constant(Beta, 1f);
    }

    /// <summary>The cache beta, one value per channel.</summary>
    public Tensor Beta { get; }

    /// <summary>The equivalent layer once beta has been folded into the preceding layer: LIF with the same options.</summary>
    public LifNeuron ToLif() => new(Options);

    /// <inheritdoc/>
    protected override Tensor Fire(Tensor x) => Ops.Spiking.CachedAia(x, Beta, Options);

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor Tensor)> OwnParameters() => [("beta", Beta)];
}
