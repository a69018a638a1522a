using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// Reads of a spike tensor stored as bits (the shared layout of <see cref="Neurons.SpikeBitsKernels"/>: element e is bit
/// e &amp; 31 of word e &gt;&gt; 5, least significant first) as the 0f / 1f the float tensor held: exact in every operand format,
/// so a product over them is the float product's bit for bit.
/// </summary>
public static class PackedSpikes
{
    /// <summary>Element <paramref name="e"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Read(ArrayView<uint> bits, int e) => (float)((bits[e >> 5] >> (e & 31)) & 1u);

    /// <summary>Elements e .. e + 3 (all inside the tensor), from one word or two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float4 Quad(ArrayView<uint> bits, int e)
    {
        int word = e >> 5, shift = e & 31;
        uint v = bits[word] >> shift;
        if (shift > 28)
            v |= bits[word + 1] << (32 - shift);
        return new Float4(v & 1u, (v >> 1) & 1u, (v >> 2) & 1u, (v >> 3) & 1u);
    }

    /// <summary>As <see cref="PixelOrigin.Read"/>: element (row, column) of the plane at <paramref name="offset"/>, zero outside it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Read(ArrayView<uint> bits, int offset, int row, int column, int height, int width) =>
        (uint)row < (uint)height && (uint)column < (uint)width ? Read(bits, offset + row * width + column) : 0f;
}
