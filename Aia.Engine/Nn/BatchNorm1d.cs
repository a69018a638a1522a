using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>Batch normalisation of features [T, N, F] (statistics over T and N) or [B, F].</summary>
/// <param name="device">Device of the parameters.</param>
/// <param name="features">Number of features.</param>
/// <param name="eps">Added to the variance.</param>
/// <param name="momentum">Weight of the batch statistics in the running update.</param>
public sealed class BatchNorm1d(Device device, int features, float eps = 1e-5f, float momentum = 0.1f)
    : BatchNorm(device, features, eps, momentum)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) =>
        Normalize(ActivationLayout.FoldTime(x, 3, nameof(BatchNorm1d), "[T, N, F] or [B, F]"), x.Shape, nameof(BatchNorm1d));
}
