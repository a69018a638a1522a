using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// Spike tensors kept for the backward at 1 bit per element (the layout shared with the GEMM operands, see
/// docs/memory.md): element e of the flat row-major tensor is bit (e &amp; 31) of word (e &gt;&gt; 5), least significant
/// bit first; the unused high bits of the last word are 0. Spikes are exactly 0 or 1, so the round trip is exact.
/// </summary>
public static class SpikeBitsKernels
{
    /// <summary>bits[w] = the 32 spikes o[32 w .. 32 w + 31] (o &gt;= 0.5 is a 1) over ceil(n / 32) words.</summary>
    public static void Pack(ArrayView<float> o, ArrayView<uint> bits, int n)
    {
        int step = GridStride.Step, words = (n + 31) >> 5;
        for (int w = GridStride.Start; w < words; w += step)
        {
            uint word = 0u;
            int first = w << 5, count = IntrinsicMath.Min(32, n - first);
            for (int b = 0; b < count; b++)
                word |= (o[first + b] >= 0.5f ? 1u : 0u) << b;
            bits[w] = word;
        }
    }

    /// <summary>o[e] = bit e of <paramref name="bits"/> as 0f or 1f, e &lt; n.</summary>
    public static void Unpack(ArrayView<uint> bits, ArrayView<float> o, int n)
    {
        int step = GridStride.Step;
        for (int e = GridStride.Start; e < n; e += step)
            o[e] = (float)((bits[e >> 5] >> (e & 31)) & 1u);
    }
}
