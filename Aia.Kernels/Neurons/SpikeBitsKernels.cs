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

    /// <summary>
    /// y[o] = the mean over the window of output o of the spikes in <paramref name="bits"/>: the same values as
    /// <see cref="PoolingKernels.AvgForward"/> of the unpacked spikes bit for bit (sums of 0s and 1s are exact in
    /// any order), without the unpacked copy.
    /// </summary>
    public static void AvgPool(ArrayView<uint> bits, ArrayView<float> y, PoolGeometry g)
    {
        float inverseArea = 1f / (g.KernelH * g.KernelW);
        int step = GridStride.Step;
        for (int o = GridStride.Start; o < g.OutputLength; o += step)
        {
            var (plane, origin) = g.Window(o);
            int row = plane * g.InH * g.InW + origin;
            float s = 0f;
            for (int kh = 0; kh < g.KernelH; kh++, row += g.InW)
            {
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    int e = row + kw;
                    s += (float)((bits[e >> 5] >> (e & 31)) & 1u);
                }
            }
            y[o] = s * inverseArea;
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
