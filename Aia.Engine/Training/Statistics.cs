namespace Aia.Engine.Training;

/// <summary>
/// What a study over seeds reports: mean, sample standard deviation (n - 1), and the paired difference of two
/// neurons trained with the same seeds with its two-sided 95 % confidence interval from Student's t distribution.
/// </summary>
public static class Statistics
{
    /// <summary>The mean (NaN for no values).</summary>
    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>The sample standard deviation, sqrt(sum (x - mean)^2 / (n - 1)); NaN for fewer than 2 values.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    // t_{0.975, df} for df = 1..30 (two-sided 95 %).
    private static readonly double[] T975 =
    [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
        2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
        2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
    ];

    /// <summary>
    /// The 97.5 % quantile of Student's t with <paramref name="df"/> degrees of freedom: tabulated to 30, beyond
    /// that the Cornish-Fisher expansion about the normal quantile 1.959964 (error below 1e-4).
    /// </summary>
    public static double TQuantile975(int df)
    {
        if (df < 1) throw new ArgumentOutOfRangeException(nameof(df), $"degrees of freedom must be at least 1, not {df}.");
        if (df <= T975.Length) return T975[df - 1];
        const double z = 1.959963985;
        double z3 = z * z * z, z5 = z3 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
    }

    /// <summary>
    /// The paired difference a[i] - b[i]: its mean, and the 95 % interval mean +- t_{0.975, n-1} sd / sqrt(n)
    /// (NaN bounds for fewer than 2 pairs).
    /// </summary>
    public static (double Mean, double Low, double High, int Pairs) PairedDifference(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"paired samples need equal counts, got {a.Count} and {b.Count}.");
        var d = a.Zip(b, (x, y) => x - y).ToList();
        double mean = Mean(d);
        if (d.Count < 2) return (mean, double.NaN, double.NaN, d.Count);
        double half = TQuantile975(d.Count - 1) * StandardDeviation(d) / Math.Sqrt(d.Count);
        return (mean, mean - half, mean + half, d.Count);
    }
}
