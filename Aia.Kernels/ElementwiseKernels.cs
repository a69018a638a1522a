using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Grid-stride elementwise kernels. The <c>accumulate</c> flags follow the BLAS beta convention used by every
/// backward kernel of the engine: 0 overwrites the output, 1 adds to it (a tensor consumed twice).
/// </summary>
public static class ElementwiseKernels
{
    /// <summary>y[i] = value.</summary>
    public static void Fill(ArrayView<float> y, float value)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < y.IntLength; i += step)
            y[i] = value;
    }

    /// <summary>y[i] = x[i] (accumulate = 0) or y[i] += x[i] (accumulate = 1).</summary>
    public static void CopyOrAdd(ArrayView<float> x, ArrayView<float> y, int accumulate)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < y.IntLength; i += step)
            y[i] = accumulate != 0 ? y[i] + x[i] : x[i];
    }

    /// <summary>y[i] = scale * x[i] (+ y[i] when accumulating).</summary>
    public static void Scale(ArrayView<float> x, ArrayView<float> y, float scale, int accumulate)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < y.IntLength; i += step)
            y[i] = accumulate != 0 ? y[i] + scale * x[i] : scale * x[i];
    }

    /// <summary>y[i] = a[i] + b[i].</summary>
    public static void Add(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < y.IntLength; i += step)
            y[i] = a[i] + b[i];
    }

    /// <summary>y[i] = a[i] * b[i].</summary>
    public static void Multiply(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < y.IntLength; i += step)
            y[i] = a[i] * b[i];
    }

    /// <summary>Backward of y = a * b for one operand: da[i] (+)= dy[i] * other[i].</summary>
    public static void MultiplyBackward(ArrayView<float> dy, ArrayView<float> other, ArrayView<float> da, int accumulate)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < da.IntLength; i += step)
        {
            float g = dy[i] * other[i];
            da[i] = accumulate != 0 ? da[i] + g : g;
        }
    }

    /// <summary>y[i] = tanh(x[i]) (a smooth op for tape tests and gradient checks).</summary>
    public static void Tanh(ArrayView<float> x, ArrayView<float> y)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < y.IntLength; i += step)
            y[i] = TanhOf(x[i]);
    }

    /// <summary>
    /// tanh(v) from one exponential, (1 - e) / (1 + e) with e = exp(-2|v|), and an odd series below |v| = 1/8
    /// where 1 - e would cancel. Not <c>MathF.Tanh</c>: with fast math ILGPU emits <c>tanh.approx.ftz.f32</c>,
    /// which is not valid PTX (ptxas: "Illegal modifier '.ftz' for instruction 'tanh'").
    /// </summary>
    public static float TanhOf(float v)
    {
        float a = Math.Abs(v);
        if (a < 0.125f)
        {
            float s = v * v;
            return v * (1f + s * (-1f / 3f + s * (2f / 15f + s * (-17f / 315f))));
        }
        float e = MathF.Exp(-2f * a);
        float t = (1f - e) / (1f + e);
        return v < 0f ? -t : t;
    }

    /// <summary>Backward of y = tanh(x): dx[i] (+)= dy[i] * (1 - y[i]^2).</summary>
    public static void TanhBackward(ArrayView<float> dy, ArrayView<float> y, ArrayView<float> dx, int accumulate)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < dx.IntLength; i += step)
        {
            float g = dy[i] * (1f - y[i] * y[i]);
            dx[i] = accumulate != 0 ? dx[i] + g : g;
        }
    }
}
