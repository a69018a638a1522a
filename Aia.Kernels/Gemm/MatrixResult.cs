using System.Runtime.CompilerServices;
using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// A dense strided matrix as a GEMM result: C(m, n) goes to data[split * splitStride + m * strideM + n * strideN].
/// With one split the value gets an optional bias per row m and is added to what is there when accumulating
/// (BLAS beta = 1); with several splits each split writes its plain partial product for
/// <see cref="GemmKernels.SumSplits"/>.
/// </summary>
public readonly struct MatrixResult : IGemmResult
{
    private readonly ArrayView<float> data;
    private readonly ArrayView<float> bias;
    private readonly int strideM;
    private readonly int strideN;
    private readonly int splitStride;
    private readonly int hasBias;
    private readonly int accumulate;

    /// <summary>Describes the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MatrixResult(ArrayView<float> data, int strideM, int strideN, int splitStride, ArrayView<float> bias, int hasBias, int accumulate)
    {
        this.data = data;
        this.bias = bias;
        this.strideM = strideM;
        this.strideN = strideN;
        this.splitStride = splitStride;
        this.hasBias = hasBias;
        this.accumulate = accumulate;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(int split, int m, int n, int rows, int columns, Float4 r0, Float4 r1, Float4 r2, Float4 r3)
    {
        int at = split * splitStride + m * strideM + n * strideN;
        Row(at, m, columns, r0);
        if (rows > 1) Row(at + strideM, m + 1, columns, r1);
        if (rows > 2) Row(at + 2 * strideM, m + 2, columns, r2);
        if (rows > 3) Row(at + 3 * strideM, m + 3, columns, r3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Row(int at, int m, int columns, Float4 v)
    {
        float b = hasBias != 0 ? bias[m] : 0f;
        Put(at, v.X + b);
        if (columns > 1) Put(at + strideN, v.Y + b);
        if (columns > 2) Put(at + 2 * strideN, v.Z + b);
        if (columns > 3) Put(at + 3 * strideN, v.W + b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Put(int at, float value) => data[at] = accumulate != 0 ? data[at] + value : value;
}
