using Aia.Engine.Runtime;

namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// Parametric LIF (Fang et al. ICCV 2021) in the form of Eq. 1: the decay lambda = sigmoid(w) is learned, one
/// scalar per layer, w initialised to -ln(tau0 - 1) so that lambda starts at 1/tau0 (0.5 for tau0 = 2).
/// <see cref="NeuronOptions.Decay"/> is not used.
/// </summary>
public sealed class PlifNeuron : SpikingNeuron
{
    /// <summary>Creates the layer on <paramref name="device"/>.</summary>
    /// <param name="device">Where the parameter lives.</param>
    /// <param name="options">Constants other than the decay (null: Vth 1, rectangular surrogate).</param>
    /// <param name="initialTau">tau0 &gt; 1; the initial decay is 1/tau0.</param>
    public PlifNeuron(Device device, NeuronOptions? options = null, float initialTau = 2f) : base(options)
    {
        if (!(float.IsFinite(initialTau) && initialTau > 1f))
            throw new ArgumentException($"PlifNeuron: initialTau must be greater than 1, got {initialTau}.", nameof(initialTau));
        W = CreateParameter(device, new Shape(1), "w");
        Init.Constant(W, -MathF.Log(initialTau - 1f));
    }

    /// <summary>The decay logit w (one element): lambda = sigmoid(w).</summary>
    public Tensor W { get; }

    /// <summary>The current decay sigmoid(w) (copies w to the host).</summary>
    public float ReadDecay() => 1f / (1f + MathF.Exp(-W.ToArray()[0]));

    /// <inheritdoc/>
    protected override Tensor Fire(Tensor x) => Ops.Spiking.Plif(x, W, Options);

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor Tensor)> OwnParameters() => [("w", W)];
}
