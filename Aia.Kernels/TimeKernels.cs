using ILGPU;

namespace Aia.Kernels;

/// <summary>Reductions over the leading time axis of a time-major tensor x[t, j] (j: everything after time).</summary>
public static class TimeKernels
{
    /// <summary>y[j] = scale * sum over t of x[t * y.Length + j] (scale = 1 / T gives the mean over time).</summary>
    public static void SumOverTime(ArrayView<float> x, ArrayView<float> y, int steps, float scale)
    {
        int stride = y.IntLength;
        int step = GridStride.Step;
        for (int j = GridStride.Start; j < stride; j += step)
        {
            float s = 0f;
            for (int t = 0, i = j; t < steps; t++, i += stride)
                s += x[i];
            y[j] = s * scale;
        }
    }

    /// <summary>Backward of <see cref="SumOverTime"/>: dx[t * dy.Length + j] (+)= scale * dy[j].</summary>
    public static void SumOverTimeBackward(ArrayView<float> dy, ArrayView<float> dx, float scale, int accumulate)
    {
        int stride = dy.IntLength;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < dx.IntLength; i += step)
        {
            float g = scale * dy[i % stride];
            dx[i] = accumulate != 0 ? dx[i] + g : g;
        }
    }
}
