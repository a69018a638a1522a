using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>The per-channel statistics and parameters of a training-mode batch norm (see <see cref="InputAffine"/>).</summary>
public readonly struct BatchNormAffine
{
    /// <summary>Groups the four per-channel views.</summary>
    public BatchNormAffine(ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> shift)
    {
        Mean = mean;
        InvStd = invStd;
        Gamma = gamma;
        Shift = shift;
    }

    /// <summary>Batch mean per channel.</summary>
    public ArrayView<float> Mean { get; }

    /// <summary>1 / sqrt(var + eps) per channel.</summary>
    public ArrayView<float> InvStd { get; }

    /// <summary>The weight per channel.</summary>
    public ArrayView<float> Gamma { get; }

    /// <summary>The bias per channel.</summary>
    public ArrayView<float> Shift { get; }
}
