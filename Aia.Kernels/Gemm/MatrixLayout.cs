namespace Aia.Kernels.Gemm;

/// <summary>Strides of the three matrices of <see cref="GemmKernels.Multiply"/> and its epilogue flags.</summary>
/// <param name="AStrideM">Distance between rows of A.</param>
/// <param name="AStrideK">Distance between columns of A.</param>
/// <param name="BStrideN">Distance between columns of B.</param>
/// <param name="BStrideK">Distance between rows of B.</param>
/// <param name="CStrideM">Distance between rows of C.</param>
/// <param name="CStrideN">Distance between columns of C.</param>
/// <param name="HasBias">1: add bias[m] to C(m, n).</param>
/// <param name="Accumulate">1: add to C instead of overwriting it.</param>
public readonly record struct MatrixLayout(
    int AStrideM, int AStrideK, int BStrideN, int BStrideK, int CStrideM, int CStrideN, int HasBias, int Accumulate);
