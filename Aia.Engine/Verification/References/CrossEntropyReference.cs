namespace Aia.Engine.Verification.References;

/// <summary>
/// Plain-loop softmax cross-entropy in double over rows of logits [R, K]; row r takes label labels[r % N], and
/// the loss is the mean over rows (R = N: the usual loss; R = T N: TET's per-step loss).
/// </summary>
public static class CrossEntropyReference
{
    /// <summary>mean over rows of logsumexp(z) - sum_k q_k z_k with q = (1 - e) one-hot + e / K.</summary>
    public static double Loss(double[] logits, int[] labels, int classes, double smoothing)
    {
        int rows = logits.Length / classes;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            var z = logits.AsSpan(r * classes, classes);
            double lse = LogSumExp(z);
            for (int k = 0; k < classes; k++)
                total -= Target(k, labels[r % labels.Length], classes, smoothing) * (z[k] - lse);
        }
        return total / rows;
    }

    /// <summary>The gradient of <see cref="Loss"/>: (softmax - q) / rows.</summary>
    public static double[] Gradient(double[] logits, int[] labels, int classes, double smoothing)
    {
        int rows = logits.Length / classes;
        var g = new double[logits.Length];
        for (int r = 0; r < rows; r++)
        {
            var z = logits.AsSpan(r * classes, classes);
            double lse = LogSumExp(z);
            for (int k = 0; k < classes; k++)
                g[r * classes + k] = (Math.Exp(z[k] - lse) - Target(k, labels[r % labels.Length], classes, smoothing)) / rows;
        }
        return g;
    }

    /// <summary>Rows whose first maximum is at the label.</summary>
    public static int CountCorrect(float[] logits, int[] labels, int classes)
    {
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            int best = 0;
            for (int k = 1; k < classes; k++)
            {
                if (logits[r * classes + k] > logits[r * classes + best]) best = k;
            }
            if (best == labels[r]) correct++;
        }
        return correct;
    }

    private static double Target(int k, int label, int classes, double smoothing) =>
        (k == label ? 1 - smoothing : 0) + smoothing / classes;

    private static double LogSumExp(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity, s = 0;
        foreach (var v in z) max = Math.Max(max, v);
        foreach (var v in z) s += Math.Exp(v - max);
        return max + Math.Log(s);
    }
}
