using Aia.Engine.Runtime;

namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// Adaptive internal association (Eq. 3, 5-7): u[t] = lambda u[t-1] (1 - o[t-1]) + f(x[t]) with f'(x) = x.
/// The paper uses f only through its gradient, so the layer fires exactly like LIF (inference is LIF, nothing
/// added) and its backward pass scales the current's gradient by the current: dx[t] = x[t] du[t], which makes
/// the weight gradient of Eq. 7.
/// </summary>
/// <param name="options">Constants (null: lambda 0.5, Vth 1, rectangular surrogate).</param>
public sealed class AiaNeuron(NeuronOptions? options = null) : SpikingNeuron(options)
{
    /// <inheritdoc/>
    protected override Tensor Fire(Tensor x) => Ops.Spiking.Aia(x, Options);
}
