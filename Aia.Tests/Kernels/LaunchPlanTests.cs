using System.Globalization;
using Aia.Engine.Data.Datasets;
using Aia.Engine.Models;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Kernels.Convolution;
using Aia.Kernels.Gemm;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>
/// The GEMM launches the engine plans for CUDA (no GPU needed: plans are made from a <see cref="LaunchShape"/>),
/// walked for every preset, every dataset's classes and default size, and every batch size up to 128: each must
/// fit the 48 KiB of shared memory a kernel gets without an opt-in (FP32 microtiles and the tensor cores' parked
/// tiles), and the products that cannot split must not.
/// </summary>
public sealed class LaunchPlanTests
{
    /// <summary>Classes per dataset (the readers' label sets); a dataset missing here fails the walk.</summary>
    private static readonly Dictionary<string, int> Classes = new()
    {
        ["fashion-mnist-dvs"] = 10, ["mnist-dvs"] = 10, ["cifar10-dvs"] = 10, ["n-caltech101"] = 101, ["n-cars"] = 2,
        ["n-mnist"] = 10, ["dvs-gesture"] = 11,
    };

    /// <summary>GPUs by SM count: a small one, an A100, an H100/H200.</summary>
    private static readonly int[] Multiprocessors = [20, 108, 132];

    [Test]
    public void EveryCudaPlanFitsTheSharedMemoryLimit()
    {
        int walked = 0;
        foreach (var info in DatasetCatalog.All)
        {
            Assert.That(Classes.ContainsKey(info.Name), Is.True, $"classes of dataset {info.Name} unknown to this test");
            foreach (var preset in ModelSpec.Presets.Keys)
            {
                var spec = ModelSpec.Parse(preset);
                foreach (int size in new[] { info.Height, 64 }.Distinct())
                {
                    if (size % (1 << spec.Pools) != 0)
                        continue;  // the network refuses this size
                    foreach (var (sms, precision) in Multiprocessors.SelectMany(m => new[] { (m, Precision.Fp32), (m, Precision.Tf32) }))
                    {
                        // TF32 and BF16 plan alike: tiles parked in shared memory for the tensor cores.
                        var s = LaunchShape.Cuda(sms, precision);
                        foreach (int steps in new[] { info.Frames, 10 }.Distinct())
                        {
                            for (int batch = 1; batch <= 128; batch++)
                                walked += Walk(s, spec, steps * batch, size, Classes[info.Name], $"{preset} {info.Name} {size}x{size} T {steps} batch {batch}, {sms} SMs, {precision}");
                        }
                    }
                }
            }
        }
        Assert.That(walked, Is.GreaterThan(10_000));
    }

    /// <summary>The case the shared-memory rule failed on: the 2-class VGGSNN classifier (N-CARS), which now also splits K.</summary>
    [Test]
    public void TwoClassClassifierFitsAndSplitsItsReduction()
    {
        var s = LaunchShape.Cuda(132);
        var (forward, data, weight) = MatrixProduct.Tilings(s, 10 * 32, 512 * 3 * 3, 2);
        Assert.That(GemmLaunch.SharedBytes(s, forward), Is.LessThanOrEqualTo(48 * 1024), forward.ToString());
        Assert.That(GemmLaunch.SharedBytes(s, weight), Is.LessThanOrEqualTo(48 * 1024), weight.ToString());
        Assert.That(GemmLaunch.SharedBytes(s, data), Is.LessThanOrEqualTo(48 * 1024), data.ToString());
        Assert.That(forward.Splits, Is.GreaterThan(1), $"the classifier forward should split K: {forward}");
        var unlimited = s with { SharedBytes = int.MaxValue };
        var before = MatrixProduct.Tilings(unlimited, 10 * 32, 8192, 2).BackwardWeight;
        Assert.That(GemmLaunch.SharedBytes(unlimited, before), Is.GreaterThan(48 * 1024), "without the limit the plan would not fit (the test can fail)");
        var big = MatrixProduct.Tilings(s, 10 * 32, 8192, 2);
        Assert.That(GemmLaunch.SharedBytes(s, big.BackwardWeight), Is.LessThanOrEqualTo(48 * 1024), big.BackwardWeight.ToString());
    }

    /// <summary>The CPU plans are unchanged by the limit: 256 x 256 tiles, chunks of 64.</summary>
    [Test]
    public void CpuPlansKeepTheirLargeTiles()
    {
        var s = new LaunchShape(false, 1, 2, int.MaxValue, true);
        var t = GemmLaunch.Tiling(s, 512, 4096, 4608, allowSplits: false);
        Assert.That((t.TileM, t.TileN, t.ChunkK), Is.EqualTo((256, 256, 64)));
    }

    private static int Walk(LaunchShape s, ModelSpec spec, int frames, int size, int classes, string what)
    {
        int count = 0, c = 2, h = size;
        foreach (var token in spec.Layers)
        {
            if (ModelSpec.IsConv(token))
            {
                int outChannels = int.Parse(token, CultureInfo.InvariantCulture);
                var g = new ConvGeometry(frames, c, h, h, outChannels, 3, 3, 1, 1);
                var (f, d, w) = Convolution.Tilings(s, g);
                Check(s, f, $"conv {c}->{outChannels} forward, {what}", single: true);
                Check(s, d, $"conv {c}->{outChannels} backward-data, {what}", single: true);
                Check(s, w, $"conv {c}->{outChannels} backward-weight, {what}", single: false);
                c = outChannels;
                count += 3;
            }
            else if (token is "A" or "M")
            {
                h /= 2;
            }
        }
        var (lf, ld, lw) = MatrixProduct.Tilings(s, frames, c * h * h, classes);
        Check(s, lf, $"classifier forward, {what}", single: false);
        Check(s, ld, $"classifier backward-data, {what}", single: true);
        Check(s, lw, $"classifier backward-weight, {what}", single: false);
        return count + 3;
    }

    private static void Check(LaunchShape s, GemmTiling t, string what, bool single)
    {
        long shared = GemmLaunch.SharedBytes(s, t);
        if (shared > s.SharedBytes)
            Assert.Fail($"{what}: {t} asks for {shared} B of shared memory, over the {s.SharedBytes} B limit");
        if (single && t.Splits != 1)
            Assert.Fail($"{what}: {t} splits a product that cannot split");
        if ((long)t.Splits * t.M * t.N > int.MaxValue)
            Assert.Fail($"{what}: {t} has split partials over 2^31 elements");
    }
}
