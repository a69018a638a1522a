using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Batch normalisation over x[n, c, s] with statistics per channel over n and s (with n = T * N the
/// statistics are shared over time, as in tdBN and TET). Per-channel sums are deterministic: every
/// (channel, chunk) item of <see cref="BatchNormGeometry"/> is reduced by one group into a partial, and a
/// second launch adds each channel's partials in chunk order.
/// Forward: y = (x - mean) * invStd * gamma + beta with invStd = 1 / sqrt(var + eps).
/// Backward through the batch statistics (M = Count, xhat = (x - mean) * invStd):
/// dgamma = sum dy * xhat, dbeta = sum dy, dx = gamma * invStd * (dy - dbeta / M - xhat * dgamma / M).
/// </summary>
public static class BatchNormKernels
{
    /// <summary>
    /// partials[2 item] = sum of (x - x0), partials[2 item + 1] = sum of (x - x0)^2 over the item's chunk,
    /// where x0 is the channel's first element (shifting keeps the one-pass variance accurate).
    /// </summary>
    public static void StatisticsPartials(ArrayView<float> x, ArrayView<float> partials, BatchNormGeometry g)
    {
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX;
        for (int item = Grid.IdxX; item < g.Items; item += groups)
        {
            var chunk = new ChannelChunk(g, item, thread, threads);
            float shift = x[g.FirstOf(chunk.Channel)];
            float sum = 0f, squares = 0f;
            for (; chunk.Valid; chunk.Next())
            {
                float d = x[chunk.Index] - shift;
                sum += d;
                squares += d * d;
            }
            sum = GroupReduce.Sum(sum);
            squares = GroupReduce.Sum(squares);
            if (thread == 0)
            {
                partials[2 * item] = sum;
                partials[2 * item + 1] = squares;
            }
        }
    }

    /// <summary>
    /// Per channel: mean and invStd from the partials (biased variance). When <paramref name="updateRunning"/>
    /// is 1 also running = (1 - momentum) * running + momentum * batch, with the unbiased variance
    /// var * M / (M - 1) for runningVar (PyTorch's rule), on the device.
    /// </summary>
    public static void Statistics(ArrayView<float> x, ArrayView<float> partials, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormGeometry g, float momentum, float eps, int updateRunning)
    {
        int step = GridStride.Step;
        float count = g.Count;
        for (int c = GridStride.Start; c < g.Channels; c += step)
        {
            float sum = 0f, squares = 0f;
            for (int k = 0; k < g.Chunks; k++)
            {
                sum += partials[2 * (c * g.Chunks + k)];
                squares += partials[2 * (c * g.Chunks + k) + 1];
            }
            float shifted = sum / count;
            float variance = squares / count - shifted * shifted;
            if (variance < 0f)
                variance = 0f;
            float mu = x[g.FirstOf(c)] + shifted;
            mean[c] = mu;
            invStd[c] = 1f / MathF.Sqrt(variance + eps);
            if (updateRunning != 0)
            {
                runningMean[c] = (1f - momentum) * runningMean[c] + momentum * mu;
                runningVar[c] = (1f - momentum) * runningVar[c] + momentum * variance * count / (count - 1f);
            }
        }
    }

    /// <summary>Evaluation mode: invStd[c] = 1 / sqrt(runningVar[c] + eps).</summary>
    public static void RunningInvStd(ArrayView<float> runningVar, ArrayView<float> invStd, float eps)
    {
        int step = GridStride.Step;
        for (int c = GridStride.Start; c < invStd.IntLength; c += step)
            invStd[c] = 1f / MathF.Sqrt(runningVar[c] + eps);
    }

    /// <summary>y = (x - mean[c]) * invStd[c] * gamma[c] + beta[c].</summary>
    public static void Normalize(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y, BatchNormGeometry g)
    {
        int start = GridStride.Start, step = GridStride.Step;
        var channel = new ChannelIndex(g, start, step);
        for (int i = start; i < g.Length; i += step, channel.Next())
        {
            int c = channel.Channel;
            y[i] = (x[i] - mean[c]) * (invStd[c] * gamma[c]) + beta[c];
        }
    }

    /// <summary>partials[2 item] = sum of dy, partials[2 item + 1] = sum of dy * (x - mean) over the item's chunk.</summary>
    public static void GradientPartials(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> mean,
        ArrayView<float> partials, BatchNormGeometry g)
    {
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX;
        for (int item = Grid.IdxX; item < g.Items; item += groups)
        {
            var chunk = new ChannelChunk(g, item, thread, threads);
            float mu = mean[chunk.Channel];
            float sum = 0f, product = 0f;
            for (; chunk.Valid; chunk.Next())
            {
                float d = dy[chunk.Index];
                sum += d;
                product += d * (x[chunk.Index] - mu);
            }
            sum = GroupReduce.Sum(sum);
            product = GroupReduce.Sum(product);
            if (thread == 0)
            {
                partials[2 * item] = sum;
                partials[2 * item + 1] = product;
            }
        }
    }

    /// <summary>
    /// Per channel: dgamma (+)= sum dy * xhat, dbeta (+)= sum dy, and the coefficients of
    /// dx = k[3c] * dy + k[3c + 1] * (x - mean) + k[3c + 2]: gamma * invStd, and with batch statistics
    /// -gamma * invStd^2 * dgamma / M and -gamma * invStd * dbeta / M (0 with running statistics, which are
    /// constants of the evaluation forward).
    /// </summary>
    public static void Gradients(ArrayView<float> partials, ArrayView<float> gamma, ArrayView<float> invStd,
        ArrayView<float> dgamma, ArrayView<float> dbeta, ArrayView<float> coefficients, BatchNormGeometry g,
        int accumulateGamma, int accumulateBeta, int batchStatistics)
    {
        int step = GridStride.Step;
        float count = g.Count;
        for (int c = GridStride.Start; c < g.Channels; c += step)
        {
            float sum = 0f, product = 0f;
            for (int k = 0; k < g.Chunks; k++)
            {
                sum += partials[2 * (c * g.Chunks + k)];
                product += partials[2 * (c * g.Chunks + k) + 1];
            }
            float s = invStd[c];
            float sumXhat = product * s;
            dgamma[c] = accumulateGamma != 0 ? dgamma[c] + sumXhat : sumXhat;
            dbeta[c] = accumulateBeta != 0 ? dbeta[c] + sum : sum;
            float k1 = gamma[c] * s;
            coefficients[3 * c] = k1;
            coefficients[3 * c + 1] = batchStatistics != 0 ? -k1 * s * sumXhat / count : 0f;
            coefficients[3 * c + 2] = batchStatistics != 0 ? -k1 * sum / count : 0f;
        }
    }

    /// <summary>dx (+)= k[3c] * dy + k[3c + 1] * (x - mean[c]) + k[3c + 2] (see <see cref="Gradients"/>).</summary>
    public static void InputGradient(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> mean,
        ArrayView<float> coefficients, ArrayView<float> dx, BatchNormGeometry g, int accumulate)
    {
        int start = GridStride.Start, step = GridStride.Step;
        var channel = new ChannelIndex(g, start, step);
        for (int i = start; i < g.Length; i += step, channel.Next())
        {
            int c = channel.Channel;
            float v = coefficients[3 * c] * dy[i] + coefficients[3 * c + 1] * (x[i] - mean[c]) + coefficients[3 * c + 2];
            dx[i] = accumulate != 0 ? dx[i] + v : v;
        }
    }
}
