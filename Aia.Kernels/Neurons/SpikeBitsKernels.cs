using Aia.Kernels.Gemm;
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
    /// <see cref="Pack"/> of whole words, each read as two blocks of 16 spikes (two view accesses per word instead of 32):
    /// the CPU accelerator's form, for n a multiple of 32 and <paramref name="o"/> starting on a block; the same bits as
    /// <see cref="Pack"/>. <paramref name="block"/> words per <see cref="BlockedGridStride"/> block.
    /// </summary>
    public static void PackBlocks(ArrayView<float> o, ArrayView<uint> bits, int words, int block)
    {
        var blocks = o.Cast<Float4x4>();
        for (var i = new BlockedGridStride(words, block); i.Valid; i.Next())
        {
            int w = i.Index;
            bits[w] = Bits(blocks[2 * w]) | Bits(blocks[2 * w + 1]) << 16;
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

    /// <summary>
    /// <see cref="AvgPool"/> four outputs at a time for 2 x 2 windows of stride 2 (<see cref="PoolGeometry.Quads"/>): the
    /// 8 input spikes of each of the quad's two rows are one byte of a word (rows of a multiple of 8 start on a byte), so a
    /// quad reads two words; the same values as <see cref="PoolingKernels.AvgForward"/> of the unpacked spikes.
    /// </summary>
    public static void AvgPoolQuads(ArrayView<uint> bits, ArrayView<float> y, PoolGeometry g)
    {
        float inverseArea = 1f / (g.KernelH * g.KernelW);
        var quads = y.Cast<Float4>();
        for (var i = new BlockedGridStride(g.OutputLength / 4, g.Block); i.Valid; i.Next())
        {
            int top = 4 * g.TopQuad(i.Index), below = top + g.InW;
            uint a = (bits[top >> 5] >> (top & 31)) & 0xFFu, c = (bits[below >> 5] >> (below & 31)) & 0xFFu;
            quads[i.Index] = new Float4(Pair(a, c, 0) * inverseArea, Pair(a, c, 2) * inverseArea, Pair(a, c, 4) * inverseArea,
                Pair(a, c, 6) * inverseArea);
        }
    }

    /// <summary>o[e] = bit e of <paramref name="bits"/> as 0f or 1f, e &lt; n.</summary>
    public static void Unpack(ArrayView<uint> bits, ArrayView<float> o, int n)
    {
        int step = GridStride.Step;
        for (int e = GridStride.Start; e < n; e += step)
            o[e] = (float)((bits[e >> 5] >> (e & 31)) & 1u);
    }

    /// <summary>The 16 spikes of a block as bits 0-15, least significant first.</summary>
    private static uint Bits(Float4x4 b) => Bits(b.K0) | Bits(b.K1) << 4 | Bits(b.K2) << 8 | Bits(b.K3) << 12;

    private static uint Bits(Float4 q) => Bit(q.X) | Bit(q.Y) << 1 | Bit(q.Z) << 2 | Bit(q.W) << 3;

    /// <summary>1 for a spike (o &gt;= 0.5), as <see cref="Pack"/> reads it; through an int, so no jump (see <see cref="Surrogate.Indicator"/>).</summary>
    private static uint Bit(float o)
    {
        int one = o >= 0.5f ? 1 : 0;
        return (uint)one;
    }

    /// <summary>The window sum of bits j, j + 1 of both rows: 0 to 4, exact in float.</summary>
    private static float Pair(uint a, uint c, int j) => (int)(((a >> j) & 1u) + ((a >> (j + 1)) & 1u) + ((c >> j) & 1u) + ((c >> (j + 1)) & 1u));
}
