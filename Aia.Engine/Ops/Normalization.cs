using Aia.Engine.Runtime;
using Aia.Kernels;
using ILGPU;
using KernelConfig = ILGPU.KernelConfig;

namespace Aia.Engine.Ops;

/// <summary>Batch normalisation (Ioffe and Szegedy 2015) with statistics shared over time (tdBN, TET).</summary>
public static class Normalization
{
    /// <summary>
    /// Batch normalisation of x [B, C, ...] per channel C, over B and the trailing dimensions (the caller folds
    /// time into B: [T * N, C, H, W] or [T * N, F]). Training: batch statistics (biased variance), and the running
    /// statistics are updated on the device: running = (1 - momentum) running + momentum batch, with the unbiased
    /// variance for runningVar (PyTorch), except in a forward rerun (<see cref="Autodiff.Tape.Recomputing"/>). Evaluation: the running statistics. The backward runs through the batch
    /// statistics (training) or treats the running ones as constants (evaluation).
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, bool training,
        float momentum = 0.1f, float eps = 1e-5f)
    {
        var d = x.Device;
        var g = Geometry(d, x.Shape, training, x.View);
        foreach (var (name, t) in new[] { ("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar) })
        {
            if (t.Shape != new Shape(g.Channels))
                throw new ArgumentException($"BatchNorm: {name} has shape {t.Shape}, expected [{g.Channels}] for input {x.Shape}.");
        }
        // A rerun whose output no forward op reads (Tape.OutputUnread) computes the statistics only: the output is rebuilt
        // (or read through the affine map) by the backward that needs it.
        bool unread = training && d.Tape.Recomputing && d.Tape.OutputUnread;
        // Without a backward, data that this batch norm alone reads is normalised in place (the kernel reads x[k] before it writes y[k]).
        bool record = d.Tape.Needs(x, weight, bias);
        bool over = !unread && !record && x.Block is { SingleReader: true, IsFreed: false };
        var xIn = x.View;
        var y = unread ? Tensor.Virtual(d, x.Shape) : over ? Tensor.Over(x, x.Shape) : Tensor.Empty(d, x.Shape);
        var invStd = d.Arena.Allocate<float>(g.Channels);
        ArrayView<float> mean;
        if (training)
        {
            mean = d.Arena.Allocate<float>(g.Channels);
            var partials = d.Arena.Allocate<float>(2L * g.Items);
            d.Launch(BatchNormKernels.StatisticsPartials, ItemConfig(d, g), xIn, partials, g);
            d.Launch(BatchNormKernels.Statistics, d.GridStride(g.Channels), xIn, partials, mean, invStd,
                runningMean.View, runningVar.View, g, momentum, eps, d.Tape.Recomputing ? 0 : 1);
        }
        else
        {
            mean = runningMean.View;
            d.Launch(BatchNormKernels.RunningInvStd, d.GridStride(g.Channels), runningVar.View, invStd, eps);
        }
        var config = ItemConfig(d, g);
        if (!unread)
            d.Launch(BatchNormKernels.Normalize, config, xIn, mean, invStd, weight.View, bias.View, y.View, g);
        y.Block!.Transient = true;
        if (over)
            return y;
        // The output is transient: a backward that needs it after the forward consumed it (a neuron's) rebuilds it
        // from x and the saved statistics with the same kernel, bit for bit (the affine parameters change only after
        // the backward).
        y.Block.Rematerialize = view => d.Launch(BatchNormKernels.Normalize, config, x.View, mean, invStd, weight.View, bias.View, view, g);
        if (training)
            y.Block.Normalized = (x, new Aia.Kernels.Neurons.BatchNormAffine(mean, invStd, weight.View, bias.View));
        if (record)
        {
            x.PinForBackward();
            d.Tape.Record(y, () => Backward(y, x, weight, bias, mean, invStd, g, training));
        }
        return y;
    }

    private static void Backward(Tensor y, Tensor x, Tensor weight, Tensor bias, ArrayView<float> mean, ArrayView<float> invStd,
        BatchNormGeometry g, bool training)
    {
        if (y.Grad is not { } dy) return;
        var d = y.Device;
        g = WithQuads(d, g, x.View, dy.View);
        var partials = d.Arena.Allocate<float>(2L * g.Items);
        d.Launch(BatchNormKernels.GradientPartials, ItemConfig(d, g), dy.View, x.View, mean, partials, g);
        var (dWeight, accWeight) = weight.RequiresGrad ? weight.GradientTarget() : (d.Arena.Allocate<float>(g.Channels), false);
        var (dBias, accBias) = bias.RequiresGrad ? bias.GradientTarget() : (d.Arena.Allocate<float>(g.Channels), false);
        var coefficients = d.Arena.Allocate<float>(3L * g.Channels);
        d.Launch(BatchNormKernels.Gradients, d.GridStride(g.Channels), partials, weight.View, invStd, dWeight, dBias, coefficients, g,
            Elementwise.Flag(accWeight), Elementwise.Flag(accBias), training ? 1 : 0);
        if (!x.RequiresGrad) return;
        // The convolution output of Conv-BN is read by this backward last: dx goes over it (the kernel reads x[k] before it
        // writes dx[k], in the same thread).
        bool over = x.Block is { SingleReader: true, IsFreed: false } && !x.HasGrad;
        var xv = x.View;
        var (dx, acc) = over ? (xv, false) : x.GradientTarget();
        d.Launch(BatchNormKernels.InputGradient, ItemConfig(d, g), dy.View, xv, mean, coefficients, dx, WithQuads(d, g, dx),
            Elementwise.Flag(acc));
        if (over)
        {
            x.Grad = Tensor.Over(x, x.Shape);
            x.HasGrad = true;
        }
    }

    /// <summary>One group per (channel, chunk) item, at most a full grid; groups loop over the items.</summary>
    private static KernelConfig ItemConfig(Device d, BatchNormGeometry g) => new(Math.Min(d.GroupCount, g.Items), d.GroupSize);

    /// <summary>
    /// Splits each channel into about 4 * groups / C chunks (so every group has items), each with 4 to 1024
    /// elements per thread (short float sums stay accurate); the chunks, and so the summation order, depend only
    /// on the shape and the device's launch shape (and quads on the CPU accelerator, see <see cref="CpuLayout"/>).
    /// </summary>
    private static BatchNormGeometry Geometry(Device d, Shape shape, bool training, ArrayView<float> x)
    {
        if (shape.Rank < 2)
            throw new ArgumentException($"BatchNorm: expected [B, C, ...] (time folded into B), got {shape}.");
        if (shape.Length > int.MaxValue)
            throw new ArgumentException($"BatchNorm: input {shape} has more than 2^31 elements.");
        int batch = shape[0], channels = shape[1], spatial = (int)shape.Product(2, shape.Rank);
        long count = (long)batch * spatial;
        if (training && count < 2)
            throw new ArgumentException($"BatchNorm: training needs more than one value per channel, got input {shape}.");
        long wanted = Math.Max((4L * d.GroupCount + channels - 1) / channels, (count + 1024L * d.GroupSize - 1) / (1024L * d.GroupSize));
        long most = Math.Max(1, count / (4L * d.GroupSize));
        long chunks = Math.Clamp(wanted, 1, most);
        return WithQuads(d, new BatchNormGeometry(batch, channels, spatial, (int)chunks, 1), x);
    }

    /// <summary><paramref name="g"/> reading quads only where <see cref="CpuLayout"/> allows it for <paramref name="views"/>.</summary>
    private static BatchNormGeometry WithQuads(Device d, BatchNormGeometry g, params ArrayView<float>[] views) =>
        g.Quads != 0 && CpuLayout.Quads(d, g.Spatial, views) ? g : g with { Quads = 0 };
}
