using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>Batch normalisation of conv activations [T, N, C, H, W] (statistics over T, N, H, W) or [B, C, H, W].</summary>
/// <param name="device">Device of the parameters.</param>
/// <param name="channels">Number of channels.</param>
/// <param name="eps">Added to the variance.</param>
/// <param name="momentum">Weight of the batch statistics in the running update.</param>
public sealed class BatchNorm2d(Device device, int channels, float eps = 1e-5f, float momentum = 0.1f)
    : BatchNorm(device, channels, eps, momentum)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) =>
        Normalize(ActivationLayout.FoldTime(x, 5, nameof(BatchNorm2d), "[T, N, C, H, W] or [B, C, H, W]"), x.Shape, nameof(BatchNorm2d));
}
