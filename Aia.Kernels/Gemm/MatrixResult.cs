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
    public void Store(int split, int m, int n, float value)
    {
        int at = split * splitStride + m * strideM + n * strideN;
        if (hasBias != 0)
            value += bias[m];
        data[at] = accumulate != 0 ? data[at] + value : value;
    }
}
