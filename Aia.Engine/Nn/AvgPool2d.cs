using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>Average pooling over [T, N, C, H, W] or [B, C, H, W] (VGGSNN's AvgPool2d(2) between stages).</summary>
/// <param name="kernel">Window size.</param>
/// <param name="stride">Stride (default: the window size).</param>
public sealed class AvgPool2d(int kernel, int? stride = null) : Module
{
    /// <summary>Window size.</summary>
    public int Kernel { get; } = kernel;

    /// <summary>Stride.</summary>
    public int Stride { get; } = stride ?? kernel;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Pooling.AvgPool2d(ActivationLayout.ConvActivation(x, nameof(AvgPool2d)), Kernel, Stride);
}
