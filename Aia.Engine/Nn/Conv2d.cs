using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>
/// A 2-D convolution layer over [T, N, C, H, W] (or [B, C, H, W]): time and batch are folded into one batch.
/// Weight [Cout, Cin, K, K] with Kaiming-normal fan-out initialisation (std = sqrt(2 / (Cout K K))) and a zero
/// bias when enabled, the recipe the paper takes from TET.
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer and initialises its parameters from <paramref name="rng"/>.</summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel side.</param>
    /// <param name="stride">Stride along both axes.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="bias">Whether the layer has a bias (VGG blocks followed by BatchNorm have none).</param>
    /// <param name="rng">The seeded generator of the initialisation (required).</param>
    public Conv2d(Device device, int inChannels, int outChannels, int kernelSize = 3, int stride = 1, int padding = 1,
        bool bias = false, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(rng, nameof(rng));
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || padding < 0)
            throw new ArgumentException(
                $"Conv2d: channels and kernel size must be positive, stride >= 1, padding >= 0; got in {inChannels}, " +
                $"out {outChannels}, kernel {kernelSize}, stride {stride}, padding {padding}.");
        Stride = stride;
        Padding = padding;
        Weight = CreateParameter(device, new Shape(outChannels, inChannels, kernelSize, kernelSize), "weight");
        Init.KaimingNormal(Weight, (long)outChannels * kernelSize * kernelSize, rng);
        if (bias)
            Bias = CreateParameter(device, new Shape(outChannels), "bias");
    }

    /// <summary>Weight [Cout, Cin, K, K].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [Cout], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Stride along both axes.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Convolution.Conv2d(x, Weight, Bias, Stride, Padding);

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor Tensor)> OwnParameters()
    {
        yield return ("weight", Weight);
        if (Bias is not null)
            yield return ("bias", Bias);
    }
}
