using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// A product C[channel, (b, pixel)] stored as NCHW planes: element (m, n) with n = (b, p) goes to
/// y[b, m, p], plus an optional per-channel bias, added to what is there when accumulating. The forward output
/// (channels = OutChannels) and the input gradient (channels = InChannels) are both stored this way.
/// </summary>
public readonly struct PlanesResult : IGemmResult
{
    private readonly ArrayView<float> y;
    private readonly ArrayView<float> bias;
    private readonly int channels;
    private readonly int plane;
    private readonly int hasBias;
    private readonly int accumulate;

    /// <summary>Describes the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PlanesResult(ArrayView<float> y, int channels, int plane, ArrayView<float> bias, int hasBias, int accumulate)
    {
        this.y = y;
        this.bias = bias;
        this.channels = channels;
        this.plane = plane;
        this.hasBias = hasBias;
        this.accumulate = accumulate;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(int split, int m, int n, float value)
    {
        int b = n / plane;
        int at = (b * channels + m) * plane + n - b * plane;
        if (hasBias != 0)
            value += bias[m];
        y[at] = accumulate != 0 ? y[at] + value : value;
    }
}
