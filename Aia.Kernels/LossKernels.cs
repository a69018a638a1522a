using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Softmax cross-entropy over rows of logits[r, k] (K classes) with integer labels; row r takes label
/// labels[r % labels.Length], so logits [T, N, K] with N labels give TET's per-time-step loss (Deng et al.,
/// ICLR 2022, Eq. 8 without the MSE term). With label smoothing e the target is q_k = (1 - e) [k = y] + e / K and
/// the row loss is logsumexp(z) - sum_k q_k z_k; the gradient is softmax(z) - q. A label outside [0, K) makes
/// the loss and its gradient NaN rather than read out of bounds.
/// </summary>
public static class LossKernels
{
    /// <summary>
    /// logSumExp[r] = max + log sum exp(z - max) (saved for the backward); partials[group] = the sum of the
    /// group's row losses (a second launch adds the partials in order).
    /// </summary>
    public static void CrossEntropyPartials(ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> logSumExp,
        ArrayView<float> partials, int classes, float smoothing)
    {
        int rows = logSumExp.IntLength, period = labels.IntLength;
        float total = 0f;
        int step = GridStride.Step;
        for (int r = GridStride.Start; r < rows; r += step)
        {
            int start = r * classes;
            float max = logits[start];
            for (int k = 1; k < classes; k++)
                max = MathF.Max(max, logits[start + k]);
            float sumExp = 0f, sum = 0f;
            for (int k = 0; k < classes; k++)
            {
                float z = logits[start + k];
                sumExp += MathF.Exp(z - max);
                sum += z;
            }
            float lse = max + MathF.Log(sumExp);
            logSumExp[r] = lse;
            int label = labels[r % period];
            float target = label >= 0 && label < classes ? logits[start + label] : float.NaN;
            total += lse - (1f - smoothing) * target - smoothing / classes * sum;
        }
        total = GroupReduce.Sum(total);
        if (Group.IdxX == 0)
            partials[Grid.IdxX] = total;
    }

    /// <summary>dlogits[r, k] (+)= (softmax(z_r)_k - q_k) * dLoss[0] / rows.</summary>
    public static void CrossEntropyBackward(ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> logSumExp,
        ArrayView<float> dLoss, ArrayView<float> dLogits, int classes, float smoothing, int accumulate)
    {
        int period = labels.IntLength;
        float scale = dLoss[0] / logSumExp.IntLength;
        float offTarget = smoothing / classes, onTarget = 1f - smoothing + smoothing / classes;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < dLogits.IntLength; i += step)
        {
            int r = i / classes, k = i % classes;
            int label = labels[r % period];
            float q = k == label ? onTarget : offTarget;
            if (label < 0 || label >= classes)
                q = float.NaN;
            float g = (MathF.Exp(logits[i] - logSumExp[r]) - q) * scale;
            dLogits[i] = accumulate != 0 ? dLogits[i] + g : g;
        }
    }

    /// <summary>
    /// One group: count[0] (+)= the number of rows whose first maximum is at the label (top-1 correct), so a
    /// trainer can sum counts on the device and read them once per log interval.
    /// </summary>
    public static void CountCorrect(ArrayView<float> logits, ArrayView<int> labels, ArrayView<int> count, int classes, int accumulate)
    {
        int rows = labels.IntLength, threads = Group.DimX;
        float correct = 0f;
        for (int r = Group.IdxX; r < rows; r += threads)
        {
            int start = r * classes, best = 0;
            for (int k = 1; k < classes; k++)
            {
                if (logits[start + k] > logits[start + best])
                    best = k;
            }
            if (best == labels[r])
                correct += 1f;
        }
        correct = GroupReduce.Sum(correct);
        if (Group.IdxX == 0)
            count[0] = (accumulate != 0 ? count[0] : 0) + (int)correct;
    }
}
