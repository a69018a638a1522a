using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>Multiplies its input by a constant (NIR's Scale with one value, and the window size after sum pooling).</summary>
/// <param name="factor">The constant.</param>
public sealed class Scale(float factor) : Module
{
    /// <summary>The constant.</summary>
    public float Factor { get; } = float.IsFinite(factor) ? factor : throw new ArgumentOutOfRangeException(nameof(factor), $"Scale: the factor must be finite, got {factor}.");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Elementwise.Scale(x, Factor);
}
