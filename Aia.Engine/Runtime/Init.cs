namespace Aia.Engine.Runtime;

/// <summary>Deterministic parameter initialisation, drawn on the host from a seeded <see cref="Rng"/> and uploaded once.</summary>
public static class Init
{
    /// <summary>Fills with a constant.</summary>
    public static void Constant(Tensor t, float value)
    {
        var data = new float[t.Length];
        Array.Fill(data, value);
        t.CopyFrom(data);
    }

    /// <summary>Uniform in [lo, hi).</summary>
    public static void Uniform(Tensor t, float lo, float hi, Rng rng)
    {
        var data = new float[t.Length];
        for (int i = 0; i < data.Length; i++) data[i] = lo + (hi - lo) * (float)rng.NextDouble();
        t.CopyFrom(data);
    }

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public static void Normal(Tensor t, float mean, float std, Rng rng)
    {
        var data = new float[t.Length];
        for (int i = 0; i < data.Length; i++) data[i] = mean + std * (float)rng.NextNormal();
        t.CopyFrom(data);
    }

    /// <summary>
    /// Kaiming (He) normal with ReLU gain: std = sqrt(2 / fan). The paper's recipe (via TET) uses fan_out for
    /// convolutions, fan_out = out_channels * kh * kw.
    /// </summary>
    public static void KaimingNormal(Tensor t, long fan, Rng rng) => Normal(t, 0f, MathF.Sqrt(2f / fan), rng);
}
