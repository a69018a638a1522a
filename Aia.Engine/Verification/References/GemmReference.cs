namespace Aia.Engine.Verification.References;

/// <summary>
/// Plain double-precision linear layer y[r, o] = bias[o] + sum_i x[r, i] w[o, i] (x [rows, inputs],
/// w [outputs, inputs]) and its gradients.
/// </summary>
public static class GemmReference
{
    /// <summary>The output [rows, outputs].</summary>
    public static double[] Linear(double[] x, double[] w, double[]? bias, int rows, int inputs, int outputs)
    {
        var y = new double[rows * outputs];
        Parallel.For(0, rows, r =>
        {
            for (int o = 0; o < outputs; o++)
            {
                double s = bias?[o] ?? 0.0;
                for (int i = 0; i < inputs; i++)
                    s += x[r * inputs + i] * w[o * inputs + i];
                y[r * outputs + o] = s;
            }
        });
        return y;
    }

    /// <summary>The input gradient [rows, inputs].</summary>
    public static double[] LinearBackwardData(double[] dy, double[] w, int rows, int inputs, int outputs)
    {
        var dx = new double[rows * inputs];
        Parallel.For(0, rows, r =>
        {
            for (int o = 0; o < outputs; o++)
            {
                double d = dy[r * outputs + o];
                for (int i = 0; i < inputs; i++)
                    dx[r * inputs + i] += d * w[o * inputs + i];
            }
        });
        return dx;
    }

    /// <summary>The weight gradient [outputs, inputs].</summary>
    public static double[] LinearBackwardWeight(double[] dy, double[] x, int rows, int inputs, int outputs)
    {
        var dw = new double[outputs * inputs];
        Parallel.For(0, outputs, o =>
        {
            for (int r = 0; r < rows; r++)
            {
                double d = dy[r * outputs + o];
                for (int i = 0; i < inputs; i++)
                    dw[o * inputs + i] += d * x[r * inputs + i];
            }
        });
        return dw;
    }

    /// <summary>The bias gradient [outputs]: dy summed over rows.</summary>
    public static double[] LinearBiasGradient(double[] dy, int rows, int outputs)
    {
        var db = new double[outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
                db[o] += dy[r * outputs + o];
        }
        return db;
    }
}
