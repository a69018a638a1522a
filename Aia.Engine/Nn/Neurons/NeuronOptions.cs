namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// The constants of a spiking neuron layer (Eq. 1-2 of Shen et al. 2023). Defaults are the paper's:
/// decay lambda 0.5, threshold 1, rectangular surrogate of width 1, reset path differentiated.
/// </summary>
public sealed record NeuronOptions
{
    /// <summary>The leak lambda in u[t] = lambda u[t-1] (1 - o[t-1]) + x[t]; IF uses 1, PLIF learns its own.</summary>
    public float Decay { get; init; } = 0.5f;

    /// <summary>The firing threshold Vth.</summary>
    public float Threshold { get; init; } = 1f;

    /// <summary>The surrogate derivative of the spike function.</summary>
    public SurrogateFunction Surrogate { get; init; } = SurrogateFunction.Rectangular;

    /// <summary>
    /// The surrogate's shape parameter: width a of <see cref="SurrogateFunction.Rectangular"/> (default 1),
    /// half-width of <see cref="SurrogateFunction.Triangle"/> (1), alpha of <see cref="SurrogateFunction.ATan"/>
    /// (2) and of <see cref="SurrogateFunction.Sigmoid"/> (4). Null takes the default.
    /// </summary>
    public float? Alpha { get; init; }

    /// <summary>Whether the hard reset passes no gradient (o[t-1] treated as a constant in Eq. 1).</summary>
    public bool DetachReset { get; init; }

    /// <summary>
    /// For gradient checks only: when k &gt; 0 the spike is the smooth sigmoid(k (u - Vth)) instead of H and the
    /// backward pass uses its exact derivative, so finite differences can check the whole BPTT recurrence.
    /// </summary>
    public float SmoothSlope { get; init; }

    /// <summary>The surrogate's shape parameter with the default filled in.</summary>
    public float ResolvedAlpha => Alpha ?? Surrogate switch
    {
        SurrogateFunction.ATan => 2f,
        SurrogateFunction.Sigmoid => 4f,
        _ => 1f,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public NeuronOptions Validated()
    {
        if (!(Decay is >= 0f and <= 1f))
            throw new ArgumentException($"Neuron option Decay must lie in [0, 1], got {Decay}.");
        if (!(float.IsFinite(Threshold) && Threshold > 0f))
            throw new ArgumentException($"Neuron option Threshold must be positive and finite, got {Threshold}.");
        if (!Enum.IsDefined(Surrogate))
            throw new ArgumentException($"Neuron option Surrogate has no such function: {(int)Surrogate}.");
        if (!(float.IsFinite(ResolvedAlpha) && ResolvedAlpha > 0f))
            throw new ArgumentException($"Neuron option Alpha must be positive and finite, got {ResolvedAlpha}.");
        if (!(float.IsFinite(SmoothSlope) && SmoothSlope >= 0f))
            throw new ArgumentException($"Neuron option SmoothSlope must be zero or positive, got {SmoothSlope}.");
        return this;
    }
}
