using System.Runtime.CompilerServices;
using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// <see cref="ITensorCore"/> in portable code: each lane publishes its fragments in shared memory, then reads the A
/// rows and B columns of its C fragment from the lanes that hold them, over exactly the PTX ISA fragment layout, and
/// accumulates in FP32 in reduction order (a shared-memory exchange: two warp barriers per product where shuffles
/// would need 32, which on the CPU accelerator are as costly). The inputs are rounded as the hardware rounds them (TF32 to nearest, ties away; BF16 to nearest
/// even). Runs on any accelerator with warps of 32 (the GPU-shaped CPU device of the tests); the hardware's sums
/// differ from these in the last bits (its internal order and rounding are not specified).
/// </summary>
public readonly struct WarpTensorCore : ITensorCore
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ToTf32(float x) => (Interop.FloatAsInt(x) + 0x1000u) & 0xFFFFE000u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint PackBf16(float lo, float hi) => Bf16Bits(lo) | (Bf16Bits(hi) << 16);

    /// <inheritdoc/>
    public Float4 Tf32(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1)
    {
        var fragments = Exchange(a0, a1, a2, a3, b0, b1, out int lanes, out int g, out int t);
        float c0 = c.X, c1 = c.Y, c2 = c.Z, c3 = c.W;
        for (int k = 0; k < 8; k++)
        {
            // A(row, k) sits in lane 4 row + k % 4 (a0/a1 for k < 4, a2/a3 above); B(k, n) in lane 4 n + k % 4.
            int q = k & 3, ra = k < 4 ? 0 : 2, rb = k < 4 ? 4 : 5;
            float x0 = Interop.IntAsFloat(fragments[Slot * (lanes + 4 * g + q) + ra]);
            float x1 = Interop.IntAsFloat(fragments[Slot * (lanes + 4 * g + q) + ra + 1]);
            float y0 = Interop.IntAsFloat(fragments[Slot * (lanes + 8 * t + q) + rb]);
            float y1 = Interop.IntAsFloat(fragments[Slot * (lanes + 8 * t + 4 + q) + rb]);
            c0 += x0 * y0;
            c1 += x0 * y1;
            c2 += x1 * y0;
            c3 += x1 * y1;
        }
        Warp.Barrier();
        return new Float4(c0, c1, c2, c3);
    }

    /// <inheritdoc/>
    public Float4 Bf16(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1)
    {
        var fragments = Exchange(a0, a1, a2, a3, b0, b1, out int lanes, out int g, out int t);
        float c0 = c.X, c1 = c.Y, c2 = c.Z, c3 = c.W;
        for (int k = 0; k < 16; k++)
        {
            // A(row, k) sits in lane 4 row + (k % 8) / 2 (registers 0/1 for k < 8, 2/3 above), half k % 2;
            // B(k, n) in lane 4 n + (k % 8) / 2, register 0 for k < 8, 1 above, half k % 2.
            int q = (k & 7) >> 1, half = k & 1, ra = k < 8 ? 0 : 2, rb = k < 8 ? 4 : 5;
            float x0 = Half(fragments[Slot * (lanes + 4 * g + q) + ra], half);
            float x1 = Half(fragments[Slot * (lanes + 4 * g + q) + ra + 1], half);
            float y0 = Half(fragments[Slot * (lanes + 8 * t + q) + rb], half);
            float y1 = Half(fragments[Slot * (lanes + 8 * t + 4 + q) + rb], half);
            c0 += x0 * y0;
            c1 += x0 * y1;
            c2 += x1 * y0;
            c3 += x1 * y1;
        }
        Warp.Barrier();
        return new Float4(c0, c1, c2, c3);
    }

    /// <summary>Registers per lane in the exchange: a0..a3, b0, b1.</summary>
    private const int Slot = 6;

    /// <summary>
    /// Publishes this lane's fragments in shared memory (6 words per thread of the group) and waits for the warp;
    /// gives the exchange, the first thread of this warp, and this lane's groupID and thread-in-group.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ArrayView<uint> Exchange(uint a0, uint a1, uint a2, uint a3, uint b0, uint b1, out int lanes, out int g, out int t)
    {
        var fragments = SharedMemory.Allocate<uint>(Slot * 1024);
        int thread = Group.IdxX, lane = Warp.LaneIdx, at = Slot * thread;
        lanes = thread - lane;
        g = lane >> 2;
        t = lane & 3;
        fragments[at] = a0;
        fragments[at + 1] = a1;
        fragments[at + 2] = a2;
        fragments[at + 3] = a3;
        fragments[at + 4] = b0;
        fragments[at + 5] = b1;
        Warp.Barrier();
        return fragments;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Bf16Bits(float x)
    {
        uint u = Interop.FloatAsInt(x);
        return (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Half(uint pair, int half) => Interop.IntAsFloat(half == 0 ? pair << 16 : pair & 0xFFFF0000u);
}
