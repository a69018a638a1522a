namespace Aia.Kernels.Gemm;

/// <summary>
/// The one tensor-core instruction, mma.sync (FP32 accumulate), for one warp: D = A B + C of an m16n8k8 TF32 or an
/// m16n8k16 BF16 product, each lane holding the fragments the PTX ISA assigns it (groupID g = lane / 4,
/// t = lane % 4): TF32 A a0 (g, t), a1 (g + 8, t), a2 (g, t + 4), a3 (g + 8, t + 4); B b0 (k t, n g), b1 (k t + 4,
/// n g); BF16 A registers (g, 2t..2t+1), (g + 8, 2t..), (g, 2t + 8..), (g + 8, 2t + 8..), the lower column in the
/// low half; B (k 2t..2t+1, n g), (k 2t + 8.., n g); C/D c0 (g, 2t), c1 (g, 2t + 1), c2 (g + 8, 2t), c3 (g + 8, 2t + 1).
/// Every lane of the warp must call it together. <see cref="CudaTensorCore"/> is the hardware (inline PTX);
/// <see cref="WarpTensorCore"/> computes the same from the same fragments with warp shuffles, so a tensor-core GEMM
/// runs unchanged on the GPU-shaped CPU accelerator.
/// </summary>
public interface ITensorCore
{
    /// <summary>x rounded to TF32 (10 mantissa bits, to nearest, ties away from zero), as its FP32 bit pattern.</summary>
    uint ToTf32(float x);

    /// <summary>Two floats rounded to BF16 (to nearest even), <paramref name="lo"/> in the low half.</summary>
    uint PackBf16(float lo, float hi);

    /// <summary>mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32: (c0, c1, c2, c3) + A B.</summary>
    Float4 Tf32(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1);

    /// <summary>mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32: (c0, c1, c2, c3) + A B.</summary>
    Float4 Bf16(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1);
}
