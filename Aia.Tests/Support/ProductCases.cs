using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Kernels.Convolution;

namespace Aia.Tests.Support;

/// <summary>
/// The GEMM-shaped products that the GPU-shaped and tensor-core tests run on their devices: convolution and linear,
/// forward, backward-data and backward-weight (accumulated onto the weights), from seeded data, each with its double
/// reference and the reference of the magnitudes (sum over k of |a_k b_k|, the scale of a rounding error).
/// </summary>
public static class ProductCases
{
    /// <summary>One product: what it is, how to run it (a fresh result each call), and its two references.</summary>
    public sealed record Case(string Name, Func<float[]> Run, double[] Expected, double[] Magnitude);

    /// <summary>The three products of convolution <paramref name="g"/> on <paramref name="d"/>, data from seeds <paramref name="seed"/> to seed + 3.</summary>
    public static IEnumerable<Case> Convolution(Device d, ConvGeometry g, int seed)
    {
        var x = TestData.Uniform(seed, (long)g.Batch * g.InChannels * g.InPlane);
        var w = TestData.Uniform(seed + 1, (long)g.OutChannels * g.Patch);
        var bias = TestData.Uniform(seed + 2, g.OutChannels);
        var dy = TestData.Uniform(seed + 3, (long)g.Batch * g.OutChannels * g.OutPlane);
        double[] xd = TestData.ToDouble(x), wd = TestData.ToDouble(w), bd = TestData.ToDouble(bias), dyd = TestData.ToDouble(dy);
        double[] ax = Abs(xd), aw = Abs(wd), ab = Abs(bd), ady = Abs(dyd);
        yield return new("forward", () =>
        {
            var y = Tensor.Empty(d, new Shape(dy.Length));
            Aia.Engine.Ops.Convolution.Forward(d, Up(d, x).View, Up(d, w).View, Up(d, bias).View, y.View, g);
            return y.ToArray();
        }, ConvolutionReference.Forward(xd, wd, bd, g), ConvolutionReference.Forward(ax, aw, ab, g));
        yield return new("backward-data", () =>
        {
            var dx = Tensor.Empty(d, new Shape(x.Length));
            Aia.Engine.Ops.Convolution.BackwardData(d, Up(d, dy).View, Up(d, w).View, dx.View, g, accumulate: false);
            return dx.ToArray();
        }, ConvolutionReference.BackwardData(dyd, wd, g), ConvolutionReference.BackwardData(ady, aw, g));
        yield return new("backward-weight (accumulated)", () =>
        {
            var dw = Up(d, w);
            Aia.Engine.Ops.Convolution.BackwardWeight(d, Up(d, dy).View, Up(d, x).View, dw.View, g, accumulate: true);
            return dw.ToArray();
        }, Plus(ConvolutionReference.BackwardWeight(dyd, xd, g), wd), Plus(ConvolutionReference.BackwardWeight(ady, ax, g), aw));
    }

    /// <summary>The three products of a linear layer <paramref name="inputs"/> -> <paramref name="outputs"/> over <paramref name="rows"/> rows, data from seeds seed to seed + 3.</summary>
    public static IEnumerable<Case> Linear(Device d, int rows, int inputs, int outputs, int seed)
    {
        var x = TestData.Uniform(seed, rows * inputs);
        var w = TestData.Uniform(seed + 1, outputs * inputs);
        var bias = TestData.Uniform(seed + 2, outputs);
        var dy = TestData.Uniform(seed + 3, rows * outputs);
        double[] xd = TestData.ToDouble(x), wd = TestData.ToDouble(w), bd = TestData.ToDouble(bias), dyd = TestData.ToDouble(dy);
        yield return new("forward", () =>
        {
            var y = Tensor.Empty(d, new Shape(rows * outputs));
            MatrixProduct.Forward(d, Up(d, x).View, Up(d, w).View, Up(d, bias).View, y.View, rows, inputs, outputs);
            return y.ToArray();
        }, GemmReference.Linear(xd, wd, bd, rows, inputs, outputs), GemmReference.Linear(Abs(xd), Abs(wd), Abs(bd), rows, inputs, outputs));
        yield return new("backward-data", () =>
        {
            var dx = Tensor.Empty(d, new Shape(rows * inputs));
            MatrixProduct.BackwardData(d, Up(d, dy).View, Up(d, w).View, dx.View, rows, inputs, outputs, accumulate: false);
            return dx.ToArray();
        }, GemmReference.LinearBackwardData(dyd, wd, rows, inputs, outputs), GemmReference.LinearBackwardData(Abs(dyd), Abs(wd), rows, inputs, outputs));
        yield return new("backward-weight", () =>
        {
            var dw = Tensor.Empty(d, new Shape(outputs * inputs));
            MatrixProduct.BackwardWeight(d, Up(d, dy).View, Up(d, x).View, dw.View, rows, inputs, outputs, accumulate: false);
            return dw.ToArray();
        }, GemmReference.LinearBackwardWeight(dyd, xd, rows, inputs, outputs), GemmReference.LinearBackwardWeight(Abs(dyd), Abs(xd), rows, inputs, outputs));
    }

    private static Tensor Up(Device d, float[] data) => Tensor.FromArray(d, new Shape(data.Length), data);

    private static double[] Abs(double[] a) => Array.ConvertAll(a, Math.Abs);

    private static double[] Plus(double[] a, double[] b) => [.. a.Select((v, i) => v + b[i])];
}
