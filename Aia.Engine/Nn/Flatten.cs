using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>
/// Flattens the dimensions from <paramref name="startDim"/> on into one, without a copy: the default 2 turns
/// conv activations [T, N, C, H, W] into [T, N, C * H * W] for a linear layer (use 1 for [B, C, H, W]).
/// </summary>
/// <param name="startDim">The first dimension that is flattened.</param>
public sealed class Flatten(int startDim = 2) : Module
{
    /// <summary>The first flattened dimension.</summary>
    public int StartDim { get; } = startDim >= 0 ? startDim : throw new ArgumentOutOfRangeException(nameof(startDim));

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (x.Shape.Rank <= StartDim)
            throw new ArgumentException($"Flatten(startDim: {StartDim}): input {x.Shape} has no dimension {StartDim}.");
        var dims = x.Shape.ToArray();
        return Elementwise.Reshape(x, new Shape([.. dims[..StartDim], (int)x.Shape.Product(StartDim, dims.Length)]));
    }
}
