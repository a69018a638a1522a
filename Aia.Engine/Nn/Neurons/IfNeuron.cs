namespace Aia.Engine.Nn.Neurons;

/// <summary>Integrate-and-fire: LIF without leak (lambda = 1, whatever <see cref="NeuronOptions.Decay"/> says).</summary>
/// <param name="options">Constants other than the decay (null: Vth 1, rectangular surrogate).</param>
public sealed class IfNeuron(NeuronOptions? options = null) : LifNeuron((options ?? new NeuronOptions()) with { Decay = 1f });
