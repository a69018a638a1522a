using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Fused optimizer updates, one launch per parameter tensor and step, following PyTorch's single-tensor
/// implementations. Every update first scales the gradient by gradScale[0], a device scalar (1, or the factor of
/// gradient clipping by global norm), so clipping needs no host synchronisation.
/// </summary>
public static class OptimizerKernels
{
    /// <summary>
    /// Adam / AdamW (Kingma and Ba 2015; Loshchilov and Hutter 2019): g = scale * grad (+ wd * p for Adam),
    /// p *= 1 - lr * wd (AdamW), m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
    /// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
    /// </summary>
    public static void AdamStep(ArrayView<float> p, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v,
        ArrayView<float> gradScale, AdamScalars s)
    {
        float scale = gradScale[0];
        float decay = s.Decoupled != 0 ? 1f - s.LearningRate * s.WeightDecay : 1f;
        float l2 = s.Decoupled != 0 ? 0f : s.WeightDecay;
        float beta1 = s.Beta1, beta2 = s.Beta2, stepSize = s.StepSize, eps = s.Epsilon;
        float inverseCorrection2 = 1f / s.BiasCorrection2Sqrt;
        int step = GridStride.Step, n = p.IntLength;
        for (int i = GridStride.Start; i < n; i += step)
        {
            float w = p[i];
            float g = grad[i] * scale + l2 * w;
            float mi = beta1 * m[i] + (1f - beta1) * g;
            float vi = beta2 * v[i] + (1f - beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            p[i] = w * decay - stepSize * mi / (MathF.Sqrt(vi) * inverseCorrection2 + eps);
        }
    }

    /// <summary>
    /// SGD with momentum: g = scale * grad + wd * p; buf = g on the first step, else momentum * buf +
    /// (1 - dampening) * g; the step direction is g + momentum * buf (Nesterov) or buf; p -= lr * direction.
    /// Without momentum p -= lr * g and the buffer is not touched.
    /// </summary>
    public static void SgdStep(ArrayView<float> p, ArrayView<float> grad, ArrayView<float> buffer, ArrayView<float> gradScale, SgdScalars s)
    {
        float scale = gradScale[0];
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < p.IntLength; i += step)
        {
            float w = p[i];
            float g = grad[i] * scale + s.WeightDecay * w;
            if (s.Momentum != 0f)
            {
                float b = s.FirstStep != 0 ? g : s.Momentum * buffer[i] + (1f - s.Dampening) * g;
                buffer[i] = b;
                g = s.Nesterov != 0 ? g + s.Momentum * b : b;
            }
            p[i] = w - s.LearningRate * g;
        }
    }

    /// <summary>
    /// One group: norm[0] = sqrt(sum of the squared-norm partials, in order) and
    /// scale[0] = min(1, maxNorm / (norm + 1e-6)) (torch.nn.utils.clip_grad_norm_).
    /// </summary>
    public static void ClipScale(ArrayView<float> partials, ArrayView<float> norm, ArrayView<float> scale, float maxNorm)
    {
        float s = 0f;
        int threads = Group.DimX;
        for (int i = Group.IdxX; i < partials.IntLength; i += threads)
            s += partials[i];
        float total = MathF.Sqrt(GroupReduce.Sum(s));
        if (Group.IdxX == 0)
        {
            norm[0] = total;
            scale[0] = MathF.Min(1f, maxNorm / (total + 1e-6f));
        }
    }
}
