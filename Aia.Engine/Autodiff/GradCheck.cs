namespace Aia.Engine.Autodiff;

/// <summary>
/// Finite-difference gradients for checking backward kernels. Two flavours: central differences of a plain
/// C# reference in double precision (the check every op's tests use: float FD is too noisy for deep ops), and
/// central differences of a float function (composite graphs of smooth ops run on the device).
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Central differences of a scalar function of several double arrays:
    /// g[i][j] = (f(x + eps e_ij) - f(x - eps e_ij)) / (2 eps).
    /// </summary>
    public static double[][] Numeric(Func<double[][], double> f, double[][] inputs, double eps = 1e-6)
    {
        var grads = new double[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            grads[i] = new double[inputs[i].Length];
            for (int j = 0; j < inputs[i].Length; j++)
            {
                double saved = inputs[i][j];
                inputs[i][j] = saved + eps;
                double plus = f(inputs);
                inputs[i][j] = saved - eps;
                double minus = f(inputs);
                inputs[i][j] = saved;
                grads[i][j] = (plus - minus) / (2 * eps);
            }
        }
        return grads;
    }

    /// <summary>Central differences of a float function of one array, accumulated in double.</summary>
    public static double[] Numeric(Func<float[], double> f, float[] input, float eps)
    {
        var grad = new double[input.Length];
        for (int j = 0; j < input.Length; j++)
        {
            float saved = input[j];
            input[j] = saved + eps;
            double plus = f(input);
            input[j] = saved - eps;
            double minus = f(input);
            input[j] = saved;
            grad[j] = (plus - minus) / (2.0 * eps);
        }
        return grad;
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="expected"/> elementwise:
    /// passes when every |a - e| &lt;= atol + rtol * |e| and nothing is NaN or infinite.
    /// </summary>
    public static Comparison Compare(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double atol, double rtol)
    {
        if (actual.Length != expected.Length)
            throw new ArgumentException($"Compared arrays differ in length: {actual.Length} vs {expected.Length}.");
        double maxAbs = 0, maxRel = 0, worstRatio = 0;
        int worst = -1;
        bool finite = true;
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            if (!double.IsFinite(a) || !double.IsFinite(e))
            {
                finite = false;
                worst = i;
                worstRatio = double.PositiveInfinity;
                continue;
            }
            double abs = Math.Abs(a - e);
            double ratio = abs / (atol + rtol * Math.Abs(e));
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, abs / Math.Max(Math.Abs(e), 1e-12));
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worst = i;
            }
        }
        return new Comparison(maxAbs, maxRel, worst, worst >= 0 ? actual[worst] : 0, worst >= 0 ? expected[worst] : 0,
            finite && worstRatio <= 1.0);
    }

    /// <summary>Compares float results with a float reference.</summary>
    public static Comparison Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double atol, double rtol)
    {
        var e = new double[expected.Length];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        return Compare(actual, e, atol, rtol);
    }
}

/// <summary>The outcome of <see cref="GradCheck.Compare(ReadOnlySpan{float}, ReadOnlySpan{double}, double, double)"/>.</summary>
/// <param name="MaxAbsError">Largest |actual - expected|.</param>
/// <param name="MaxRelError">Largest |actual - expected| / |expected|.</param>
/// <param name="WorstIndex">The element furthest outside (or closest to) the tolerance.</param>
/// <param name="WorstActual">Its computed value.</param>
/// <param name="WorstExpected">Its reference value.</param>
/// <param name="Passed">Whether every element is finite and within tolerance.</param>
public readonly record struct Comparison(
    double MaxAbsError, double MaxRelError, int WorstIndex, double WorstActual, double WorstExpected, bool Passed)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Passed ? "ok" : "FAILED")} max abs {MaxAbsError:E2}, max rel {MaxRelError:E2}" +
        (WorstIndex >= 0 ? $" (worst [{WorstIndex}]: {WorstActual:G6} vs {WorstExpected:G6})" : "");
}
