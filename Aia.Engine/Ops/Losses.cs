using Aia.Engine.Runtime;
using Aia.Kernels;
using ILGPU;
using KernelConfig = ILGPU.KernelConfig;

namespace Aia.Engine.Ops;

/// <summary>
/// Classification losses over logits with integer labels on the device (an <see cref="ArrayView{T}"/> of N
/// labels the caller uploaded), and a device-side accuracy counter.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Softmax cross-entropy of logits [N, K] against labels, averaged over the batch, with optional label
    /// smoothing e (target (1 - e) one-hot + e / K, as torch.nn.CrossEntropyLoss). Stable (max subtracted);
    /// the backward is dlogits = (softmax - target) / N. Returns a one-element tensor.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, ArrayView<int> labels, float labelSmoothing = 0f)
    {
        if (logits.Shape.Rank != 2)
            throw new ArgumentException($"CrossEntropy: expected logits [N, K], got {logits.Shape}.");
        return Rows("CrossEntropy", logits, logits.Shape[0], logits.Shape[1], labels, labelSmoothing);
    }

    /// <summary>
    /// TET's loss (Deng et al., ICLR 2022, Eq. 8 without its optional MSE regulariser): the cross-entropy of each
    /// time step's logits [T, N, K] against the same labels, averaged over time and batch,
    /// (1 / T) sum_t CE(logits[t]). The backward is (softmax - target) / (T N) per step.
    /// </summary>
    public static Tensor CrossEntropyPerStep(Tensor logits, ArrayView<int> labels, float labelSmoothing = 0f)
    {
        if (logits.Shape.Rank != 3)
            throw new ArgumentException($"CrossEntropyPerStep: expected logits [T, N, K], got {logits.Shape}.");
        return Rows("CrossEntropyPerStep", logits, logits.Shape[1], logits.Shape[2], labels, labelSmoothing);
    }

    /// <summary>
    /// count[0] (+)= the number of rows of logits [N, K] whose argmax (first maximum) is the label. Stays on the
    /// device: a trainer accumulates over steps and reads the count once per log interval.
    /// </summary>
    public static void CountCorrect(Tensor logits, ArrayView<int> labels, ArrayView<int> count, bool accumulate)
    {
        if (logits.Shape.Rank != 2 || labels.Length != logits.Shape[0])
            throw new ArgumentException($"CountCorrect: expected logits [N, K] and N labels, got {logits.Shape} and {labels.Length} labels.");
        if (count.Length < 1)
            throw new ArgumentException("CountCorrect: the count view is empty.");
        var d = logits.Device;
        d.Launch(LossKernels.CountCorrect, new KernelConfig(1, d.GroupSize), logits.View, labels, count, logits.Shape[1],
            Elementwise.Flag(accumulate));
    }

    private static Tensor Rows(string op, Tensor logits, int batch, int classes, ArrayView<int> labels, float smoothing)
    {
        if (labels.Length != batch)
            throw new ArgumentException($"{op}: {labels.Length} labels for logits {logits.Shape} (expected {batch}).");
        if (!(smoothing >= 0f && smoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(smoothing), $"{op}: label smoothing must be in [0, 1], got {smoothing}.");
        var d = logits.Device;
        int rows = (int)(logits.Length / classes);
        var logSumExp = d.Arena.Allocate<float>(rows);
        var config = d.GridStride(rows);
        var partials = d.Arena.Allocate<float>(config.GridDim.X);
        var loss = Tensor.Empty(d, new Shape(1));
        d.Launch(LossKernels.CrossEntropyPartials, config, logits.View, labels, logSumExp, partials, classes, smoothing);
        d.Launch(ReductionKernels.SumFinal, new KernelConfig(1, d.GroupSize), partials, loss.View, 1f / rows, 0);
        if (d.Tape.Needs(logits))
        {
            logits.PinForBackward();
            d.Tape.Record(loss, () =>
            {
                if (loss.Grad is not { } dLoss) return;
                var (dLogits, acc) = logits.GradientTarget();
                d.Launch(LossKernels.CrossEntropyBackward, d.GridStride(logits.Length), logits.View, labels, logSumExp, dLoss.View,
                    dLogits, classes, smoothing, Elementwise.Flag(acc));
            });
        }
        return loss;
    }
}
