using Aia.Engine.Runtime;

namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// Parametric LIF exactly as Fang et al. (ICCV 2021) and SpikingJelly's <c>ParametricLIFNode</c> (decay_input,
/// v_reset = 0, hard reset): u[t] = v[t-1] + (x[t] - v[t-1]) / tau with 1/tau = sigmoid(w), one learnable w per
/// layer initialised to -ln(tau0 - 1) so that tau starts at tau0 (2: decay 1/2 and input scale 1/2). The
/// parameter is named <c>w</c> and means what it means in SpikingJelly checkpoints. <see cref="NeuronOptions.Decay"/>
/// is not used.
/// </summary>
public sealed class PlifNeuron : SpikingNeuron
{
    /// <summary>Creates the layer on <paramref name="device"/>.</summary>
    /// <param name="device">Where the parameter lives.</param>
    /// <param name="options">Constants other than the decay (null: Vth 1, rectangular surrogate).</param>
    /// <param name="initialTau">tau0 &gt; 1; 1/tau starts at 1/tau0.</param>
    public PlifNeuron(Device device, NeuronOptions? options = null, float initialTau = 2f) : base(options)
    {
        if (!(float.IsFinite(initialTau) && initialTau > 1f))
            throw new ArgumentException($"PlifNeuron: initialTau must be greater than 1, got {initialTau}.", nameof(initialTau));
        W = CreateParameter(device, new Shape(1), "w");
        Init.Constant(W, -MathF.Log(initialTau - 1f));
    }

    /// <summary>w (one element): 1/tau = sigmoid(w), SpikingJelly's meaning.</summary>
    public Tensor W { get; }

    /// <summary>The current 1/tau = sigmoid(w) (copies w to the host); the leak of the potential is 1 - 1/tau.</summary>
    public float ReadInverseTau() => 1f / (1f + MathF.Exp(-W.ToArray()[0]));

    /// <inheritdoc/>
    protected override Tensor Fire(Tensor x) => Ops.Spiking.Plif(x, W, Options);

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor Tensor)> OwnParameters() => [("w", W)];
}
