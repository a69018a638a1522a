using Aia.Engine.Autodiff;
using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using ILGPU;
using ILGPU.Runtime;
using Device = Aia.Engine.Runtime.Device;

namespace Aia.Engine.Verification;

/// <summary>
/// Checks of batch norm, pooling, cross-entropy and AdamW with clipping at the VGGSNN sizes (T 10 x batch 32 / scale folded,
/// 128 channels at 64 x 64; 10 classes; about 9.2M parameters) against the plain C# references.
/// </summary>
public static class LayerChecks
{
    /// <summary>The cases; <paramref name="scale"/> divides the batch.</summary>
    public static IEnumerable<KernelCheck> Cases(int scale)
    {
        int tn = 10 * 32 / scale, c = 128, hw = 64 * 64;
        string shape = $"[{tn}, {c}, 64, 64]";
        // One run of an op gives the forward and backward comparisons; each is reported as its own check.
        var bn = Once(d => BatchNorm(d, tn, c, hw));
        var avg = Once(d => Pool(d, tn * c, max: false));
        var max = Once(d => Pool(d, tn * c, max: true));
        var ce = Once(d => CrossEntropy(d, 0));
        yield return new KernelCheck("batchnorm.forward", shape, d => bn(d)[0]);
        yield return new KernelCheck("batchnorm.running-stats", shape, d => bn(d)[1]);
        yield return new KernelCheck("batchnorm.backward.input", shape, d => bn(d)[2]);
        yield return new KernelCheck("batchnorm.backward.affine", shape, d => bn(d)[3]);
        yield return new KernelCheck("avgpool2d.forward", shape + " k2 s2", d => avg(d)[0]);
        yield return new KernelCheck("avgpool2d.backward", shape + " k2 s2", d => avg(d)[1]);
        yield return new KernelCheck("maxpool2d.forward", shape + " k2 s2", d => max(d)[0]);
        yield return new KernelCheck("maxpool2d.backward", shape + " k2 s2", d => max(d)[1]);
        yield return new KernelCheck("crossentropy.forward", "[32, 10] smoothing 0.1", d => ce(d)[0]);
        yield return new KernelCheck("crossentropy.backward", "[32, 10] smoothing 0.1", d => ce(d)[1]);
        yield return new KernelCheck("crossentropy.per-step.backward", "[10, 32, 10] smoothing 0.1", d => CrossEntropy(d, 10)[1]);
        yield return new KernelCheck("adamw.step+clip", "9.2M parameters, 3 steps", AdamW);
    }

    /// <summary>Runs <paramref name="run"/> on the first call and returns its result on every call.</summary>
    private static Func<Device, Comparison[]> Once(Func<Device, Comparison[]> run)
    {
        Comparison[]? result = null;
        return d => result ??= run(d);
    }

    /// <summary>sum(y * dy) on the tape, so the backward of the op that made y starts from the gradient dy.</summary>
    private static void BackwardFrom(Tensor y, float[] dy) =>
        y.Device.Tape.Backward(Reduction.Sum(Elementwise.Multiply(y, Tensor.FromArray(y.Device, y.Shape, dy))));

    /// <summary>Forward, running statistics, dx, and (dgamma, dbeta) of a training step.</summary>
    private static Comparison[] BatchNorm(Device d, int batch, int channels, int spatial)
    {
        var rng = new Rng(11);
        var x = RandomData.Uniform(rng, (long)batch * channels * spatial, -1f, 3f);
        var dy = RandomData.Uniform(rng, x.Length);
        var gamma = RandomData.Uniform(rng, channels, 0.5f, 1.5f);
        var beta = RandomData.Uniform(rng, channels);
        var shape = new Shape(batch, channels, spatial);
        using var weight = Persistent(d, gamma, "weight", true);
        using var bias = Persistent(d, beta, "bias", true);
        using var runningMean = Persistent(d, new float[channels], "running_mean", false);
        using var runningVar = Persistent(d, Enumerable.Repeat(1f, channels).ToArray(), "running_var", false);
        var input = Tensor.FromArray(d, shape, x);
        input.RequiresGrad = true;
        var y = Normalization.BatchNorm(input, weight, bias, runningMean, runningVar, training: true);
        BackwardFrom(y, dy);

        var xd = Array.ConvertAll(x, v => (double)v);
        var gd = Array.ConvertAll(gamma, v => (double)v);
        var yRef = BatchNormReference.Training(xd, batch, channels, spatial, gd, Array.ConvertAll(beta, v => (double)v), 1e-5);
        var (dx, dGamma, dBeta) = BatchNormReference.Backward(Array.ConvertAll(dy, v => (double)v), xd, batch, channels, spatial, gd, 1e-5);
        var rm = new double[channels];
        var rv = Enumerable.Repeat(1.0, channels).ToArray();
        BatchNormReference.UpdateRunning(rm, rv, xd, batch, channels, spatial, 0.1);
        return
        [
            GradCheck.Compare(y.ToArray(), yRef, 1e-4, 1e-3),
            GradCheck.Compare([.. runningMean.ToArray(), .. runningVar.ToArray()], [.. rm, .. rv], 1e-5, 1e-4),
            GradCheck.Compare(input.Grad!.ToArray(), dx, 1e-5, 1e-3),
            GradCheck.Compare([.. weight.Grad!.ToArray(), .. bias.Grad!.ToArray()], [.. dGamma, .. dBeta], 1e-2, 1e-3),
        ];
    }

    /// <summary>Forward and backward of 2 x 2 pooling with stride 2.</summary>
    private static Comparison[] Pool(Device d, int planes, bool max)
    {
        var rng = new Rng(12);
        var x = RandomData.Uniform(rng, (long)planes * 64 * 64);
        var input = Tensor.FromArray(d, new Shape(planes, 64, 64), x);
        input.RequiresGrad = true;
        var y = max ? Pooling.MaxPool2d(input, 2) : Pooling.AvgPool2d(input, 2);
        var dy = RandomData.Uniform(rng, y.Length);
        BackwardFrom(y, dy);
        var xd = Array.ConvertAll(x, v => (double)v);
        var dyd = Array.ConvertAll(dy, v => (double)v);
        var yRef = max ? PoolingReference.Max(xd, planes, 64, 64, 2, 2) : PoolingReference.Average(xd, planes, 64, 64, 2, 2);
        var dx = max ? PoolingReference.MaxBackward(xd, dyd, planes, 64, 64, 2, 2) : PoolingReference.AverageBackward(dyd, planes, 64, 64, 2, 2);
        return [GradCheck.Compare(y.ToArray(), yRef, 1e-6, 1e-5), GradCheck.Compare(input.Grad!.ToArray(), dx, 1e-6, 1e-5)];
    }

    /// <summary>Loss and logits gradient of the plain (steps 0) or per-step cross-entropy, smoothing 0.1.</summary>
    private static Comparison[] CrossEntropy(Device d, int steps)
    {
        const int n = 32, k = 10;
        var rng = new Rng(13);
        var shape = steps == 0 ? new Shape(n, k) : new Shape(steps, n, k);
        var logits = RandomData.Uniform(rng, shape.Length, -4f, 4f);
        var labels = Enumerable.Range(0, n).Select(_ => rng.NextInt(k)).ToArray();
        var labelView = d.Arena.Allocate<int>(n);
        MemoryArena.CopyIn(labelView, labels);
        var input = Tensor.FromArray(d, shape, logits);
        input.RequiresGrad = true;
        var loss = steps == 0 ? Losses.CrossEntropy(input, labelView, 0.1f) : Losses.CrossEntropyPerStep(input, labelView, 0.1f);
        var value = loss.ToArray();
        d.Tape.Backward(loss);
        var ld = Array.ConvertAll(logits, v => (double)v);
        return
        [
            GradCheck.Compare(value, [CrossEntropyReference.Loss(ld, labels, k, 0.1)], 1e-6, 1e-5),
            GradCheck.Compare(input.Grad!.ToArray(), CrossEntropyReference.Gradient(ld, labels, k, 0.1), 1e-7, 1e-4),
        ];
    }

    /// <summary>
    /// Three AdamW steps with gradient clipping over the VGGSNN parameter shapes. (With Adam's L2 decay a few of the
    /// 9.2M elements have gradient + wd * p near 0, where the step g / (|g| + eps) is decided by float rounding.)
    /// </summary>
    private static Comparison AdamW(Device d)
    {
        long[] sizes = [64 * 2 * 9, 128 * 64 * 9, 256 * 128 * 9, 256 * 256 * 9, 512 * 256 * 9, 512 * 512 * 9, 512 * 512 * 9, 512 * 512 * 9, 10 * 8192, 10];
        var rng = new Rng(14);
        var values = sizes.Select(s => RandomData.Uniform(rng, s, -0.1f, 0.1f)).ToArray();
        var parameters = values.Select((v, i) => Persistent(d, v, "p" + i, true)).ToList();
        var reference = values.Select(v => Array.ConvertAll(v, x => (double)x)).ToArray();
        var m = reference.Select(r => new double[r.Length]).ToArray();
        var vv = reference.Select(r => new double[r.Length]).ToArray();
        using var clipping = new GradientClipping(d, 50f);
        using var adam = new Optim.AdamW(d, parameters.Select(p => (p.Name!, p)), 1e-3, weightDecay: 1e-2) { Clipping = clipping };
        for (int step = 1; step <= 3; step++)
        {
            var grads = sizes.Select(s => RandomData.Uniform(rng, s, -0.05f, 0.05f)).ToArray();
            for (int i = 0; i < parameters.Count; i++)
                MemoryArena.CopyIn(parameters[i].GradientTarget().View, grads[i]);
            adam.Step();
            adam.ZeroGrad();
            var gd = grads.Select(g => Array.ConvertAll(g, x => (double)x)).ToArray();
            double scale = OptimizerReference.ClipByGlobalNorm(gd, 50).Scale;
            for (int i = 0; i < parameters.Count; i++)
            {
                var scaled = Array.ConvertAll(gd[i], g => g * scale);
                OptimizerReference.Adam(reference[i], scaled, m[i], vv[i], step, 1e-3, 0.9, 0.999, 1e-8, 1e-2, true);
            }
        }
        var result = GradCheck.Compare(parameters.SelectMany(p => p.ToArray()).ToArray(), reference.SelectMany(r => r).ToArray(), 1e-6, 1e-5);
        foreach (var p in parameters) p.Dispose();
        return result;
    }

    private static Tensor Persistent(Device d, float[] data, string name, bool learnable)
    {
        var t = Tensor.Persistent(d, new Shape(data.Length), name);
        t.CopyFrom(data);
        t.RequiresGrad = learnable;
        return t;
    }
}
