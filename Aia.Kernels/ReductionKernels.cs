using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Deterministic reductions: each group writes a partial result, a second one-group launch combines the
/// partials in a fixed order. No float atomics, so a run is bit-for-bit repeatable on every accelerator.
/// </summary>
public static class ReductionKernels
{
    /// <summary>partials[group] = sum of x over the elements the group visits (grid-stride).</summary>
    public static void SumPartials(ArrayView<float> x, ArrayView<float> partials)
    {
        float s = 0f;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < x.IntLength; i += step)
            s += x[i];
        s = GroupReduce.Sum(s);
        if (Group.IdxX == 0)
            partials[Grid.IdxX] = s;
    }

    /// <summary>
    /// partials[group] = sum of x^2 over the elements the group visits (grid-stride), each thread's sum
    /// compensated (Kahan): with few threads (the CPU accelerator) a thread adds millions of terms.
    /// </summary>
    public static void SumOfSquaresPartials(ArrayView<float> x, ArrayView<float> partials)
    {
        float s = 0f, compensation = 0f;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < x.IntLength; i += step)
        {
            float term = x[i] * x[i] - compensation;
            float next = s + term;
            compensation = next - s - term;
            s = next;
        }
        s = GroupReduce.Sum(s);
        if (Group.IdxX == 0)
            partials[Grid.IdxX] = s;
    }

    /// <summary>One group: y[0] = scale * sum(partials) (+ y[0] when accumulating).</summary>
    public static void SumFinal(ArrayView<float> partials, ArrayView<float> y, float scale, int accumulate)
    {
        float s = 0f;
        for (int i = Group.IdxX; i < partials.IntLength; i += Group.DimX)
            s += partials[i];
        s = GroupReduce.Sum(s) * scale;
        if (Group.IdxX == 0)
            y[0] = accumulate != 0 ? y[0] + s : s;
    }

    /// <summary>Backward of a scaled sum: dx[i] (+)= scale * dy[0].</summary>
    public static void SumBackward(ArrayView<float> dy, ArrayView<float> dx, float scale, int accumulate)
    {
        float g = dy[0] * scale;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < dx.IntLength; i += step)
            dx[i] = accumulate != 0 ? dx[i] + g : g;
    }
}
