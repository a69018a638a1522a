using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// The input current of a neuron read through one channel's batch-norm affine map, x = (c - mean) * scale + shift
/// with scale = invStd * gamma: the expression <see cref="BatchNormKernels.Normalize"/> evaluates, in the same order,
/// so x is the batch norm's output bit for bit. Lets a neuron backward read the convolution output c (kept for the
/// batch norm's own backward) instead of a stored copy of x. <see cref="On"/> = 0 reads x as it is.
/// </summary>
public readonly struct InputAffine
{
    private InputAffine(float mean, float scale, float shift)
    {
        On = 1;
        Mean = mean;
        Scale = scale;
        Shift = shift;
    }

    /// <summary>1 when the map applies.</summary>
    public int On { get; }

    /// <summary>The channel's batch mean.</summary>
    public float Mean { get; }

    /// <summary>invStd * gamma.</summary>
    public float Scale { get; }

    /// <summary>The batch norm's bias.</summary>
    public float Shift { get; }

    /// <summary>The map of <paramref name="channel"/>, computed as <see cref="BatchNormKernels.Normalize"/> does.</summary>
    public static InputAffine Of(ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> beta, int channel) =>
        new(mean[channel], invStd[channel] * gamma[channel], beta[channel]);

    /// <summary>x for a stored value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float v) => On != 0 ? (v - Mean) * Scale + Shift : v;

    /// <summary>x for four stored values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float4 Apply(Float4 v) => On != 0
        ? new Float4((v.X - Mean) * Scale + Shift, (v.Y - Mean) * Scale + Shift, (v.Z - Mean) * Scale + Shift, (v.W - Mean) * Scale + Shift)
        : v;
}
