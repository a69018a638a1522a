using Aia.Engine.Nn;
using Aia.Engine.Runtime;

namespace Aia.Engine.Models;

/// <summary>
/// A 3x3 convolution (no bias) followed by BatchNorm2d with statistics shared over time (tdBN/TET): the synaptic
/// current x[t] = BN(W * o[t]) of Eq. 1 for every time step. Named <c>conv</c> and <c>bn</c> as in the PyTorch peer.
/// </summary>
public sealed class ConvBn(Conv2d conv, BatchNorm2d bn) : Module
{
    /// <summary>The convolution.</summary>
    public Conv2d Conv { get; } = conv;

    /// <summary>The batch norm.</summary>
    public BatchNorm2d Bn { get; } = bn;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        var c = Conv.Forward(x);
        c.Intermediate = true;
        c.Block!.SingleReader = true; // read by the batch norm alone: its backward writes dc over c
        var y = Bn.Forward(c);
        c.Consumed();
        return y;
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Module Module)> Children() => [("conv", Conv), ("bn", Bn)];
}
