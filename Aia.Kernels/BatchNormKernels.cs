using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Batch normalisation over x[n, c, s] with statistics per channel over n and s (with n = T * N the
/// statistics are shared over time, as in tdBN and TET). Every pass runs the (channel, chunk) items of
/// <see cref="BatchNormGeometry"/>, one group per item, so the channel's constants are read once per item. Per-channel
/// sums are deterministic: each item is reduced by its group into a partial, and a second launch adds each channel's
/// partials in chunk order. With <see cref="BatchNormGeometry.Quads"/> (CPU accelerator) elements are read and
/// written four at a time: a quarter of the view accesses, which dominate the cost there.
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
        var shared = GroupReduce.Allocate();
        var quads = x.Cast<Float4>();
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX, width = Width(g);
        for (int item = Grid.IdxX; item < g.Items; item += groups)
        {
            var slice = g.Slice(item);
            float shift = x[g.FirstOf(slice.Channel)];
            float sum = 0f, squares = 0f;
            var cursor = slice.Cursor(slice.Start + width * thread, width * threads);
            for (int q = slice.Start + width * thread; q < slice.End; q += width * threads, cursor.Next())
            {
                if (width == 4)
                {
                    var v = quads[cursor.Index >> 2];
                    float a = v.X - shift, b = v.Y - shift, c = v.Z - shift, e = v.W - shift;
                    sum += a + b + c + e;
                    squares += a * a + b * b + c * c + e * e;
                }
                else
                {
                    float d = x[cursor.Index] - shift;
                    sum += d;
                    squares += d * d;
                }
            }
            WritePartials(shared, partials, item, sum, squares);
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
            var (sum, squares) = SumChunks(partials, c, g.Chunks);
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
        var xQuads = x.Cast<Float4>();
        var yQuads = y.Cast<Float4>();
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX, width = Width(g);
        for (int item = Grid.IdxX; item < g.Items; item += groups)
        {
            var slice = g.Slice(item);
            int channel = slice.Channel;
            float mu = mean[channel], scale = invStd[channel] * gamma[channel], shift = beta[channel];
            var cursor = slice.Cursor(slice.Start + width * thread, width * threads);
            for (int q = slice.Start + width * thread; q < slice.End; q += width * threads, cursor.Next())
            {
                int i = cursor.Index;
                if (width == 4)
                {
                    var v = xQuads[i >> 2];
                    yQuads[i >> 2] = new Float4((v.X - mu) * scale + shift, (v.Y - mu) * scale + shift,
                        (v.Z - mu) * scale + shift, (v.W - mu) * scale + shift);
                }
                else
                {
                    y[i] = (x[i] - mu) * scale + shift;
                }
            }
        }
    }

    /// <summary>partials[2 item] = sum of dy, partials[2 item + 1] = sum of dy * (x - mean) over the item's chunk.</summary>
    public static void GradientPartials(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> mean,
        ArrayView<float> partials, BatchNormGeometry g)
    {
        var shared = GroupReduce.Allocate();
        var dyQuads = dy.Cast<Float4>();
        var xQuads = x.Cast<Float4>();
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX, width = Width(g);
        for (int item = Grid.IdxX; item < g.Items; item += groups)
        {
            var slice = g.Slice(item);
            float mu = mean[slice.Channel];
            float sum = 0f, product = 0f;
            var cursor = slice.Cursor(slice.Start + width * thread, width * threads);
            for (int q = slice.Start + width * thread; q < slice.End; q += width * threads, cursor.Next())
            {
                int i = cursor.Index;
                if (width == 4)
                {
                    var d = dyQuads[i >> 2];
                    var v = xQuads[i >> 2];
                    sum += d.X + d.Y + d.Z + d.W;
                    product += d.X * (v.X - mu) + d.Y * (v.Y - mu) + d.Z * (v.Z - mu) + d.W * (v.W - mu);
                }
                else
                {
                    float d = dy[i];
                    sum += d;
                    product += d * (x[i] - mu);
                }
            }
            WritePartials(shared, partials, item, sum, product);
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
            var (sum, product) = SumChunks(partials, c, g.Chunks);
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
        var dyQuads = dy.Cast<Float4>();
        var xQuads = x.Cast<Float4>();
        var dxQuads = dx.Cast<Float4>();
        int thread = Group.IdxX, threads = Group.DimX, groups = Grid.DimX, width = Width(g);
        for (int item = Grid.IdxX; item < g.Items; item += groups)
        {
            var slice = g.Slice(item);
            int channel = slice.Channel;
            float mu = mean[channel], k0 = coefficients[3 * channel], k1 = coefficients[3 * channel + 1], k2 = coefficients[3 * channel + 2];
            var cursor = slice.Cursor(slice.Start + width * thread, width * threads);
            for (int q = slice.Start + width * thread; q < slice.End; q += width * threads, cursor.Next())
            {
                int i = cursor.Index;
                if (width == 4)
                {
                    var d = dyQuads[i >> 2];
                    var v = xQuads[i >> 2];
                    var r = new Float4(k0 * d.X + k1 * (v.X - mu) + k2, k0 * d.Y + k1 * (v.Y - mu) + k2,
                        k0 * d.Z + k1 * (v.Z - mu) + k2, k0 * d.W + k1 * (v.W - mu) + k2);
                    if (accumulate != 0)
                    {
                        var prior = dxQuads[i >> 2];
                        r = new Float4(prior.X + r.X, prior.Y + r.Y, prior.Z + r.Z, prior.W + r.W);
                    }
                    dxQuads[i >> 2] = r;
                }
                else
                {
                    float v = k0 * dy[i] + k1 * (x[i] - mu) + k2;
                    dx[i] = accumulate != 0 ? dx[i] + v : v;
                }
            }
        }
    }

    /// <summary>Elements per access: 4 with quads, else 1.</summary>
    private static int Width(BatchNormGeometry g) => g.Quads != 0 ? 4 : 1;

    /// <summary>Reduces the two per-thread sums over the group into partials[2 item] and partials[2 item + 1].</summary>
    private static void WritePartials(ArrayView<float> shared, ArrayView<float> partials, int item, float first, float second)
    {
        first = GroupReduce.Sum(shared, first);
        second = GroupReduce.Sum(shared, second);
        if (Group.IdxX == 0)
        {
            partials[2 * item] = first;
            partials[2 * item + 1] = second;
        }
    }

    /// <summary>Channel <paramref name="c"/>'s two sums over its chunk partials (pairs), added in chunk order.</summary>
    private static (float First, float Second) SumChunks(ArrayView<float> partials, int c, int chunks)
    {
        float first = 0f, second = 0f;
        for (int k = 0; k < chunks; k++)
        {
            first += partials[2 * (c * chunks + k)];
            second += partials[2 * (c * chunks + k) + 1];
        }
        return (first, second);
    }
}
