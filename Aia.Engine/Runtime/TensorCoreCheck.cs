using Aia.Engine.Ops;
using ILGPU.Runtime;

namespace Aia.Engine.Runtime;

// The self-check of the tensor-core path at device creation (issue "never silently wrong").
public sealed partial class Device
{
    /// <summary>
    /// What the tensor-core check at creation found: null when it did not run (FP32, the CPU), else a line with
    /// the largest error against FP32 and whether the precision was kept.
    /// </summary>
    public string? TensorCoreCheck { get; private set; }

    /// <summary>
    /// The largest error a product in <paramref name="p"/> may have against FP32, relative to sum_k |a_k b_k|: two
    /// input roundings (TF32 2^-11, BF16 2^-8 each) with room for the FP32 accumulation.
    /// </summary>
    public static double Tolerance(Precision p) => p switch
    {
        Precision.Tf32 => 4 * Math.Pow(2, -11),
        Precision.Bf16 => 4 * Math.Pow(2, -8),
        _ => 1e-5,
    };

    /// <summary>
    /// max_i |actual_i - fp32_i| / bound_i, bound_i = sum_k |a_k b_k| of output i (NaN counts as infinite).
    /// </summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> fp32, ReadOnlySpan<float> bound)
    {
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double e = Math.Abs((double)actual[i] - fp32[i]) / Math.Max(bound[i], 1e-30f);
            worst = double.IsNaN(e) ? double.PositiveInfinity : Math.Max(worst, e);
        }
        return worst;
    }

    /// <summary>
    /// Runs a small odd-shaped linear product (37 rows, 70 inputs, 45 outputs, bias) with <see cref="Precision"/> and
    /// with FP32 and returns the relative error (<see cref="RelativeError"/>). Uses and resets the arena.
    /// </summary>
    public double MeasureTensorCores()
    {
        const int rows = 37, inputs = 70, outputs = 45;
        var rng = new Rng(7);
        var x = Enumerable.Range(0, rows * inputs).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var w = Enumerable.Range(0, outputs * inputs).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, outputs).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var bound = new float[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double s = Math.Abs(b[o]);
                for (int i = 0; i < inputs; i++)
                    s += Math.Abs(x[r * inputs + i] * w[o * inputs + i]);
                bound[r * outputs + o] = (float)s;
            }
        }
        float[] Run()
        {
            var xv = Tensor.FromArray(this, new Shape(rows, inputs), x);
            var wv = Tensor.FromArray(this, new Shape(outputs, inputs), w);
            var bv = Tensor.FromArray(this, new Shape(outputs), b);
            var y = Tensor.Empty(this, new Shape(rows, outputs));
            MatrixProduct.Forward(this, xv.View, wv.View, bv.View, y.View, rows, inputs, outputs);
            return y.ToArray();
        }
        var chosen = Precision;
        try
        {
            var tensor = Run();
            Precision = Precision.Fp32;
            var fp32 = Run();
            return RelativeError(tensor, fp32, bound);
        }
        finally
        {
            Precision = chosen;
            Arena.Reset();
        }
    }

    /// <summary>
    /// With a tensor-core precision: <see cref="MeasureTensorCores"/>; when the error exceeds
    /// <see cref="Tolerance"/> or the product fails, one warning through <paramref name="warn"/> and FP32 from then on.
    /// </summary>
    internal void CheckTensorCores(Action<string> warn, double? tolerance = null)
    {
        if (Precision == Precision.Fp32)
            return;
        var chosen = Precision;
        string? problem;
        double error = double.NaN;
        try
        {
            error = MeasureTensorCores();
            double limit = tolerance ?? Tolerance(chosen);
            problem = error <= limit ? null : $"error {error:E2} against FP32 exceeds {limit:E2}";
        }
        catch (Exception e) when (e is AcceleratorException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            problem = $"{e.GetType().Name}: {e.Message}";
        }
        TensorCoreCheck = problem is null
            ? $"{chosen.Name()} tensor cores agree with FP32 (relative error {error:E2}, tolerance {Tolerance(chosen):E2})"
            : $"{chosen.Name()} tensor cores disagree with FP32 ({problem}); using FP32";
        if (problem is null)
            return;
        Precision = Precision.Fp32;
        warn($"warning: the {chosen.Name()} tensor-core product failed its check on {Accelerator.Name} ({problem}); the matrix products use FP32 instead.");
    }
}
