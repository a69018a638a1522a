using Aia.Engine.Runtime;

namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// Leaky integrate-and-fire with hard reset (Eq. 1-2): u[t] = lambda u[t-1] (1 - o[t-1]) + x[t],
/// o[t] = H(u[t] - Vth). The paper's baseline; also what a cached AIA layer becomes once beta is folded away.
/// </summary>
/// <param name="options">Constants (null: lambda 0.5, Vth 1, rectangular surrogate).</param>
public class LifNeuron(NeuronOptions? options = null) : SpikingNeuron(options)
{
    /// <inheritdoc/>
    protected override Tensor Fire(Tensor x) => Ops.Spiking.Lif(x, Options);
}
