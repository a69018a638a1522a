using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Dropout with a mask drawn in the kernel from a hash of (seed, step, element index) (<see cref="CounterHash"/>):
/// no mask is stored or uploaded, and the backward redraws the forward's mask. Element i uses index
/// i % period: period = the length gives an independent mask per element, period = the length of one time step
/// shares the mask over time.
/// </summary>
public static class DropoutKernels
{
    /// <summary>y[i] = keep(i) ? x[i] * scale : 0, with scale = 1 / (1 - p).</summary>
    public static void Forward(ArrayView<float> x, ArrayView<float> y, uint key0, uint key1, uint threshold, float scale, int period)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < y.IntLength; i += step)
            y[i] = CounterHash.Keep(i % period, key0, key1, threshold) ? x[i] * scale : 0f;
    }

    /// <summary>dx[i] (+)= keep(i) ? dy[i] * scale : 0, with the forward's mask.</summary>
    public static void Backward(ArrayView<float> dy, ArrayView<float> dx, uint key0, uint key1, uint threshold, float scale,
        int period, int accumulate)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < dx.IntLength; i += step)
        {
            float g = CounterHash.Keep(i % period, key0, key1, threshold) ? dy[i] * scale : 0f;
            dx[i] = accumulate != 0 ? dx[i] + g : g;
        }
    }
}
