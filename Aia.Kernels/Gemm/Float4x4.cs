namespace Aia.Kernels.Gemm;

/// <summary>
/// One block of a staged GEMM chunk: four consecutive reduction steps of four consecutive rows (A) or columns (B),
/// the operand a microtile needs for four steps of its update, read with one view access.
/// </summary>
public struct Float4x4
{
    /// <summary>The quad of reduction step 4q.</summary>
    public Float4 K0;

    /// <summary>The quad of reduction step 4q + 1.</summary>
    public Float4 K1;

    /// <summary>The quad of reduction step 4q + 2.</summary>
    public Float4 K2;

    /// <summary>The quad of reduction step 4q + 3.</summary>
    public Float4 K3;
}
