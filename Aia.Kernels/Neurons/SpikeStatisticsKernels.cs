using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// Spike counts per time step of a [T, neurons] spike tensor, accumulated into a persistent device counter so
/// training never waits for the host. Exact: chunks hold at most 2^24 neurons, so the float group sums of 0/1
/// values are exact integers, and the counters are 64-bit.
/// </summary>
public static class SpikeStatisticsKernels
{
    /// <summary>
    /// partials[t * chunks + k] = number of o &gt;= 0.5 in chunk k of time step t, read a quad at a time when
    /// <paramref name="quads"/> is 1 (CPU accelerator; neurons per step a multiple of 4, spikes starting on a quad).
    /// </summary>
    public static void CountPartials(ArrayView<float> spikes, ArrayView<float> partials, int steps, int chunks, int quads)
    {
        var shared = GroupReduce.Allocate();
        var spikeQuads = spikes.Cast<Float4>();
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX, width = quads != 0 ? 4 : 1;
        int neurons = spikes.IntLength / steps;
        int items = steps * chunks;
        for (int item = Grid.IdxX; item < items; item += groups)
        {
            var slice = ChannelSlice.Of(item, chunks, steps, neurons, neurons);
            var cursor = slice.Cursor(slice.Start + width * thread, width * threads);
            float count = 0f;
            for (int q = slice.Start + width * thread; q < slice.End; q += width * threads, cursor.Next())
            {
                if (width == 4)
                {
                    var o = spikeQuads[cursor.Index >> 2];
                    count += Spike(o.X) + Spike(o.Y) + Spike(o.Z) + Spike(o.W);
                }
                else
                {
                    count += Spike(spikes[cursor.Index]);
                }
            }
            count = GroupReduce.Sum(shared, count);
            if (thread == 0)
                partials[item] = count;
        }
    }

    /// <summary>counts[t] += sum over k of partials[t * chunks + k].</summary>
    public static void Accumulate(ArrayView<float> partials, ArrayView<long> counts, int chunks)
    {
        int step = GridStride.Step;
        for (int t = GridStride.Start; t < counts.IntLength; t += step)
        {
            long sum = 0;
            for (int k = 0; k < chunks; k++)
                sum += (long)partials[t * chunks + k];
            counts[t] += sum;
        }
    }

    private static float Spike(float o) => Surrogate.Indicator(o >= 0.5f);
}
