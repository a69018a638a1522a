namespace Aia.Engine.Verification.References;

/// <summary>
/// Plain-loop batch normalisation over x[n, c, s] per channel c, in double, parallel over channels: statistics,
/// forward, the analytic backward (through the batch statistics or with constant running statistics) and the
/// running-statistics update.
/// </summary>
public static class BatchNormReference
{
    /// <summary>Per-channel mean and biased variance over n and s (two passes).</summary>
    public static (double[] Mean, double[] Var) Statistics(double[] x, int batch, int channels, int spatial)
    {
        var mean = new double[channels];
        var variance = new double[channels];
        Parallel.For(0, channels, c =>
        {
            double s = 0;
            foreach (int i in Indices(c, batch, channels, spatial)) s += x[i];
            double m = s / ((long)batch * spatial), q = 0;
            foreach (int i in Indices(c, batch, channels, spatial)) q += (x[i] - m) * (x[i] - m);
            mean[c] = m;
            variance[c] = q / ((long)batch * spatial);
        });
        return (mean, variance);
    }

    /// <summary>y = (x - mean) / sqrt(var + eps) * gamma + beta.</summary>
    public static double[] Forward(double[] x, int batch, int channels, int spatial, double[] mean, double[] variance,
        double[] gamma, double[] beta, double eps)
    {
        var y = new double[x.Length];
        Parallel.For(0, channels, c =>
        {
            double invStd = 1 / Math.Sqrt(variance[c] + eps);
            foreach (int i in Indices(c, batch, channels, spatial)) y[i] = (x[i] - mean[c]) * invStd * gamma[c] + beta[c];
        });
        return y;
    }

    /// <summary>Training forward: normalisation with the batch statistics.</summary>
    public static double[] Training(double[] x, int batch, int channels, int spatial, double[] gamma, double[] beta, double eps)
    {
        var (mean, variance) = Statistics(x, batch, channels, spatial);
        return Forward(x, batch, channels, spatial, mean, variance, gamma, beta, eps);
    }

    /// <summary>
    /// The gradients of sum(dy * y) with respect to x, gamma and beta. With <paramref name="mean"/> and
    /// <paramref name="variance"/> null the statistics are the batch's and are differentiated through;
    /// otherwise they are constants (evaluation mode).
    /// </summary>
    public static (double[] Dx, double[] DGamma, double[] DBeta) Backward(double[] dy, double[] x, int batch, int channels, int spatial,
        double[] gamma, double eps, double[]? mean = null, double[]? variance = null)
    {
        bool batchStatistics = mean is null;
        if (mean is null || variance is null)
            (mean, variance) = Statistics(x, batch, channels, spatial);
        var dx = new double[x.Length];
        var dGamma = new double[channels];
        var dBeta = new double[channels];
        double count = (double)batch * spatial;
        Parallel.For(0, channels, c =>
        {
            double invStd = 1 / Math.Sqrt(variance[c] + eps), sumDy = 0, sumDyXhat = 0;
            foreach (int i in Indices(c, batch, channels, spatial))
            {
                sumDy += dy[i];
                sumDyXhat += dy[i] * (x[i] - mean[c]) * invStd;
            }
            dGamma[c] = sumDyXhat;
            dBeta[c] = sumDy;
            foreach (int i in Indices(c, batch, channels, spatial))
            {
                double xhat = (x[i] - mean[c]) * invStd;
                dx[i] = batchStatistics
                    ? gamma[c] * invStd * (dy[i] - sumDy / count - xhat * sumDyXhat / count)
                    : gamma[c] * invStd * dy[i];
            }
        });
        return (dx, dGamma, dBeta);
    }

    /// <summary>running = (1 - momentum) running + momentum batch, with the unbiased batch variance for the variance.</summary>
    public static void UpdateRunning(double[] runningMean, double[] runningVar, double[] x, int batch, int channels, int spatial, double momentum)
    {
        var (mean, variance) = Statistics(x, batch, channels, spatial);
        double count = (double)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
            runningVar[c] = (1 - momentum) * runningVar[c] + momentum * variance[c] * count / (count - 1);
        }
    }

    private static IEnumerable<int> Indices(int c, int batch, int channels, int spatial)
    {
        for (int n = 0; n < batch; n++)
        {
            int start = (n * channels + c) * spatial;
            for (int s = 0; s < spatial; s++)
                yield return start + s;
        }
    }
}
