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
    public void Store(int split, int m, int n, int count, float v0, float v1, float v2, float v3)
    {
        float b = hasBias != 0 ? bias[m] : 0f;
        int image = n / plane, p = n - image * plane;
        if (p + count <= plane)
        {
            int at = (image * channels + m) * plane + p;
            Put(at, v0 + b);
            if (count > 1) Put(at + 1, v1 + b);
            if (count > 2) Put(at + 2, v2 + b);
            if (count > 3) Put(at + 3, v3 + b);
            return;
        }
        Put(Offset(m, n), v0 + b);
        if (count > 1) Put(Offset(m, n + 1), v1 + b);
        if (count > 2) Put(Offset(m, n + 2), v2 + b);
        if (count > 3) Put(Offset(m, n + 3), v3 + b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Offset(int m, int n)
    {
        int image = n / plane;
        return (image * channels + m) * plane + n - image * plane;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Put(int at, float value) => y[at] = accumulate != 0 ? y[at] + value : value;
}
