using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>
/// A fully connected layer y = x W^T + b over [T, N, In] (or [B, In]); weight [Out, In]. Initialised like
/// PyTorch's nn.Linear: weight and bias uniform in +-1/sqrt(In).
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer and initialises its parameters from <paramref name="rng"/>.</summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="rng">The seeded generator of the initialisation (required).</param>
    public Linear(Device device, int inFeatures, int outFeatures, bool bias = true, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(rng, nameof(rng));
        if (inFeatures < 1 || outFeatures < 1)
            throw new ArgumentException($"Linear: feature counts must be positive, got in {inFeatures}, out {outFeatures}.");
        float bound = 1f / MathF.Sqrt(inFeatures);
        Weight = CreateParameter(device, new Shape(outFeatures, inFeatures), "weight");
        Init.Uniform(Weight, -bound, bound, rng);
        if (bias)
        {
            Bias = CreateParameter(device, new Shape(outFeatures), "bias");
            Init.Uniform(Bias, -bound, bound, rng);
        }
    }

    /// <summary>Weight [Out, In].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [Out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => MatrixProduct.Linear(x, Weight, Bias);

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor Tensor)> OwnParameters()
    {
        yield return ("weight", Weight);
        if (Bias is not null)
            yield return ("bias", Bias);
    }
}
