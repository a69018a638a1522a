using Aia.Engine.Autodiff;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Kernels.Convolution;

namespace Aia.Engine.Verification;

/// <summary>
/// Checks of the convolution and linear kernels at VGGSNN sizes: a 3x3 convolution 256 -> 256 channels on
/// 32 x 32 images (batch 32 / scale), a stride-2 5x5 one (the backward-data path that skips taps between stride
/// positions), and the 8192 -> 10 classifier. Large outputs are compared on a seeded random sample of elements.
/// </summary>
public static class ConvolutionChecks
{
    /// <summary>Most elements compared per check (sampled beyond that).</summary>
    private const int Samples = 1 << 15;

    /// <summary>
    /// The cases at batch 32 / <paramref name="scale"/>, the products' tolerances widened for a tensor-core
    /// <paramref name="precision"/> (<see cref="Atol"/>, <see cref="Rtol"/>).
    /// </summary>
    public static IEnumerable<KernelCheck> Cases(int scale, Precision precision = Precision.Fp32)
    {
        var p = precision;
        int batch = Math.Max(1, 32 / scale);
        foreach (var check in Convolution(new ConvGeometry(batch, 256, 32, 32, 256, 3, 3, 1, 1), 1, p))
            yield return check;
        foreach (var check in Convolution(new ConvGeometry(batch, 64, 33, 33, 96, 5, 5, 2, 2), 2, p))
            yield return check;
        foreach (var check in Linear(10 * batch, 8192, 10, p))
            yield return check;
    }

    private static IEnumerable<KernelCheck> Convolution(ConvGeometry g, ulong seed, Precision p)
    {
        string shape = $"[{g.Batch},{g.InChannels},{g.Height},{g.Width}]->{g.OutChannels} {g.KernelHeight}x{g.KernelWidth} s{g.Stride}p{g.Padding}";
        string name = g.Stride == 1 ? "conv2d" : "conv2d.stride" + g.Stride;
        var rng = new Rng(seed);
        var x = RandomData.Uniform(rng, (long)g.Batch * g.InChannels * g.InPlane);
        var w = RandomData.Uniform(rng, (long)g.OutChannels * g.Patch, -0.1f, 0.1f);
        var bias = RandomData.Uniform(rng, g.OutChannels);
        var dy = RandomData.Uniform(rng, (long)g.Batch * g.OutChannels * g.OutPlane);
        var (xd, wd, biasd, dyd) = (Widen(x), Widen(w), Widen(bias), Widen(dy));
        yield return new KernelCheck(name + ".forward", shape, d =>
        {
            var y = Tensor.Empty(d, new Shape(dy.Length));
            Ops.Convolution.Forward(d, Upload(d, x).View, Upload(d, w).View, Upload(d, bias).View, y.View, g);
            return Sampled(y.ToArray(), i => ConvolutionReference.OutputAt(xd, wd, biasd, g, i), Atol(1e-4, p), Rtol(1e-4, p));
        });
        yield return new KernelCheck(name + ".backward-data", shape, d =>
        {
            var dx = Tensor.Empty(d, new Shape(x.Length));
            Ops.Convolution.BackwardData(d, Upload(d, dy).View, Upload(d, w).View, dx.View, g, accumulate: false);
            return Sampled(dx.ToArray(), i => ConvolutionReference.InputGradientAt(dyd, wd, g, i), Atol(1e-4, p), Rtol(1e-4, p));
        });
        yield return new KernelCheck(name + ".backward-weight", shape, d =>
        {
            var dw = Tensor.Empty(d, new Shape(w.Length));
            Ops.Convolution.BackwardWeight(d, Upload(d, dy).View, Upload(d, x).View, dw.View, g, accumulate: false);
            return Sampled(dw.ToArray(), i => ConvolutionReference.WeightGradientAt(dyd, xd, g, i), Atol(1e-3, p), Rtol(1e-4, p));
        });
        yield return new KernelCheck(name + ".bias-gradient", shape, d =>
        {
            var db = Tensor.Empty(d, new Shape(g.OutChannels));
            GemmLaunch.BiasGradient(d, Upload(d, dy).View, db.View, g.Batch, g.OutChannels, g.OutPlane, accumulate: false);
            return GradCheck.Compare(db.ToArray(), ConvolutionReference.BiasGradient(dyd, g), 1e-3, 1e-5);
        });
    }

    private static IEnumerable<KernelCheck> Linear(int rows, int inputs, int outputs, Precision p)
    {
        string shape = $"[{rows},{inputs}]->{outputs}";
        var rng = new Rng(3);
        var x = RandomData.Uniform(rng, (long)rows * inputs);
        var w = RandomData.Uniform(rng, (long)outputs * inputs, -0.05f, 0.05f);
        var bias = RandomData.Uniform(rng, outputs);
        var dy = RandomData.Uniform(rng, (long)rows * outputs);
        var (xd, wd, biasd, dyd) = (Widen(x), Widen(w), Widen(bias), Widen(dy));
        yield return new KernelCheck("linear.forward", shape, d =>
        {
            var y = Tensor.Empty(d, new Shape(dy.Length));
            MatrixProduct.Forward(d, Upload(d, x).View, Upload(d, w).View, Upload(d, bias).View, y.View, rows, inputs, outputs);
            return GradCheck.Compare(y.ToArray(), GemmReference.Linear(xd, wd, biasd, rows, inputs, outputs), Atol(1e-4, p), Rtol(1e-4, p));
        });
        yield return new KernelCheck("linear.backward-data", shape, d =>
        {
            var dx = Tensor.Empty(d, new Shape(x.Length));
            MatrixProduct.BackwardData(d, Upload(d, dy).View, Upload(d, w).View, dx.View, rows, inputs, outputs, accumulate: false);
            return GradCheck.Compare(dx.ToArray(), GemmReference.LinearBackwardData(dyd, wd, rows, inputs, outputs), Atol(1e-5, p), Rtol(1e-4, p));
        });
        yield return new KernelCheck("linear.backward-weight", shape, d =>
        {
            var dw = Tensor.Empty(d, new Shape(w.Length));
            MatrixProduct.BackwardWeight(d, Upload(d, dy).View, Upload(d, x).View, dw.View, rows, inputs, outputs, accumulate: false);
            return GradCheck.Compare(dw.ToArray(), GemmReference.LinearBackwardWeight(dyd, xd, rows, inputs, outputs), Atol(1e-4, p), Rtol(1e-4, p));
        });
        yield return new KernelCheck("linear.bias-gradient", shape, d =>
        {
            var db = Tensor.Empty(d, new Shape(outputs));
            GemmLaunch.BiasGradient(d, Upload(d, dy).View, db.View, rows, outputs, 1, accumulate: false);
            return GradCheck.Compare(db.ToArray(), GemmReference.LinearBiasGradient(dyd, rows, outputs), 1e-4, 1e-5);
        });
    }

    private static Tensor Upload(Device d, float[] data) => Tensor.FromArray(d, new Shape(data.Length), data);

    private static double[] Widen(float[] a) => Array.ConvertAll(a, v => (double)v);

    /// <summary>Compares every element, or a seeded random sample of <see cref="Samples"/> of them.</summary>
    /// <summary>
    /// The absolute tolerance of a product check in <paramref name="p"/>: FP32's, times 256 for TF32 (inputs rounded
    /// to 2^-11) and 2048 for BF16 (2^-8), the growth of the unit roundoff over FP32's 2^-24 with room for K.
    /// </summary>
    public static double Atol(double fp32, Precision p) => p switch { Precision.Tf32 => fp32 * 256, Precision.Bf16 => fp32 * 2048, _ => fp32 };

    /// <summary>The relative tolerance of a product check in <paramref name="p"/>: FP32's, at least 1e-2 (TF32) or 6e-2 (BF16).</summary>
    public static double Rtol(double fp32, Precision p) => p switch { Precision.Tf32 => Math.Max(fp32, 1e-2), Precision.Bf16 => Math.Max(fp32, 6e-2), _ => fp32 };

    private static Comparison Sampled(float[] actual, Func<int, double> reference, double atol, double rtol)
    {
        int n = Math.Min(actual.Length, Samples);
        var rng = new Rng(99);
        var index = new int[n];
        for (int i = 0; i < n; i++)
            index[i] = n == actual.Length ? i : rng.NextInt(actual.Length);
        var expected = new double[n];
        Parallel.For(0, n, i => expected[i] = reference(index[i]));
        return GradCheck.Compare(Array.ConvertAll(index, i => actual[i]), expected, atol, rtol);
    }
}
