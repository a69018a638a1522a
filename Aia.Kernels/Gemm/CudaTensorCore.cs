using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Aia.Kernels.Gemm;

/// <summary>
/// <see cref="ITensorCore"/> on NVIDIA hardware (sm_80 and later): mma.sync through ILGPU's inline PTX. Only the
/// CUDA backend compiles it. ILGPU 1.5.3 passes every <c>CudaAsm.EmitRef</c> operand through a local-memory slot
/// that ptxas keeps (a stack frame), so the instruction goes through <c>CudaAsm.Emit</c>, whose operands are
/// registers but which has one output: the accumulators travel as two 64-bit pairs and each call returns one
/// pair, so the instruction is issued twice per product (once per pair). The input roundings are integer code,
/// bit for bit those of <see cref="WarpTensorCore"/> (cvt.rna.tf32.f32 and cvt.rn.bf16x2.f32 for finite values).
/// </summary>
public readonly struct CudaTensorCore : ITensorCore
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ToTf32(float x) => default(WarpTensorCore).ToTf32(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint PackBf16(float lo, float hi) => default(WarpTensorCore).PackBf16(lo, hi);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float4 Tf32(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1)
    {
        // The PTX must be a literal at the call (ILGPU reads it from the IL).
        ulong lo = Pair(c.X, c.Y), hi = Pair(c.Z, c.W);
        CudaAsm.Emit("{ .reg .f32 e<4>, d<4>; mov.b64 {e0, e1}, %1; mov.b64 {e2, e3}, %2; " +
            "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {d0, d1, d2, d3}, {%3, %4, %5, %6}, {%7, %8}, {e0, e1, e2, e3}; " +
            "mov.b64 %0, {d0, d1}; }", out ulong r01, lo, hi, a0, a1, a2, a3, b0, b1);
        CudaAsm.Emit("{ .reg .f32 e<4>, d<4>; mov.b64 {e0, e1}, %1; mov.b64 {e2, e3}, %2; " +
            "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {d0, d1, d2, d3}, {%3, %4, %5, %6}, {%7, %8}, {e0, e1, e2, e3}; " +
            "mov.b64 %0, {d2, d3}; }", out ulong r23, lo, hi, a0, a1, a2, a3, b0, b1);
        return Unpair(r01, r23);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float4 Bf16(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1)
    {
        ulong lo = Pair(c.X, c.Y), hi = Pair(c.Z, c.W);
        CudaAsm.Emit("{ .reg .f32 e<4>, d<4>; mov.b64 {e0, e1}, %1; mov.b64 {e2, e3}, %2; " +
            "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {d0, d1, d2, d3}, {%3, %4, %5, %6}, {%7, %8}, {e0, e1, e2, e3}; " +
            "mov.b64 %0, {d0, d1}; }", out ulong r01, lo, hi, a0, a1, a2, a3, b0, b1);
        CudaAsm.Emit("{ .reg .f32 e<4>, d<4>; mov.b64 {e0, e1}, %1; mov.b64 {e2, e3}, %2; " +
            "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {d0, d1, d2, d3}, {%3, %4, %5, %6}, {%7, %8}, {e0, e1, e2, e3}; " +
            "mov.b64 %0, {d2, d3}; }", out ulong r23, lo, hi, a0, a1, a2, a3, b0, b1);
        return Unpair(r01, r23);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pair(float low, float high) => Interop.FloatAsInt(low) | ((ulong)Interop.FloatAsInt(high) << 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Float4 Unpair(ulong r01, ulong r23) => new(
        Interop.IntAsFloat((uint)r01), Interop.IntAsFloat((uint)(r01 >> 32)), Interop.IntAsFloat((uint)r23), Interop.IntAsFloat((uint)(r23 >> 32)));
}
