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
    private readonly FastDivisor planeDivisor;
    private readonly int hasBias;
    private readonly int accumulate;

    /// <summary>Describes the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PlanesResult(ArrayView<float> y, int channels, FastDivisor plane, ArrayView<float> bias, int hasBias, int accumulate)
    {
        this.y = y;
        this.bias = bias;
        this.channels = channels;
        this.plane = plane.Divisor;
        planeDivisor = plane;
        this.hasBias = hasBias;
        this.accumulate = accumulate;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(int split, int m, int n, int rows, int columns, Float4 r0, Float4 r1, Float4 r2, Float4 r3)
    {
        int image = planeDivisor.Divide(n), p = n - image * plane;
        int at = (image * channels + m) * plane + p;
        if (p + columns > plane)
        {
            Straddling(m, n, columns, r0);
            if (rows > 1) Straddling(m + 1, n, columns, r1);
            if (rows > 2) Straddling(m + 2, n, columns, r2);
            if (rows > 3) Straddling(m + 3, n, columns, r3);
            return;
        }
        Row(at, m, columns, r0);
        if (rows > 1) Row(at + plane, m + 1, columns, r1);
        if (rows > 2) Row(at + 2 * plane, m + 2, columns, r2);
        if (rows > 3) Row(at + 3 * plane, m + 3, columns, r3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Row(int at, int m, int columns, Float4 v)
    {
        float b = hasBias != 0 ? bias[m] : 0f;
        Put(at, v.X + b);
        if (columns > 1) Put(at + 1, v.Y + b);
        if (columns > 2) Put(at + 2, v.Z + b);
        if (columns > 3) Put(at + 3, v.W + b);
    }

    /// <summary>A row whose columns span more than one image (at image boundaries): each placed on its own.</summary>
    private void Straddling(int m, int n, int columns, Float4 v)
    {
        float b = hasBias != 0 ? bias[m] : 0f;
        Put(Offset(m, n), v.X + b);
        if (columns > 1) Put(Offset(m, n + 1), v.Y + b);
        if (columns > 2) Put(Offset(m, n + 2), v.Z + b);
        if (columns > 3) Put(Offset(m, n + 3), v.W + b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Offset(int m, int n)
    {
        int image = planeDivisor.Divide(n);
        return (image * channels + m) * plane + n - image * plane;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Put(int at, float value) => y[at] = accumulate != 0 ? y[at] + value : value;
}
