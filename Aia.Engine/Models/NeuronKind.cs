namespace Aia.Engine.Models;

/// <summary>The neuron types of the paper's Table 2, by their command-line names.</summary>
public enum NeuronKind
{
    /// <summary>Leaky integrate-and-fire (Eq. 1-2).</summary>
    Lif,
    /// <summary>Integrate-and-fire (lambda = 1).</summary>
    If,
    /// <summary>Parametric LIF (learnable decay per layer).</summary>
    Plif,
    /// <summary>Adaptive internal association (Eq. 6-7).</summary>
    Aia,
    /// <summary>Cached AIA (Eq. 8-9), the paper's best.</summary>
    CachedAia,
}

/// <summary>Parsing and printing of <see cref="NeuronKind"/> names (lif, if, plif, aia, cached-aia).</summary>
public static class NeuronKinds
{
    /// <summary>The command-line name.</summary>
    public static string Name(this NeuronKind kind) => kind switch
    {
        NeuronKind.CachedAia => "cached-aia",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The neuron of the folded inference network: AIA and cached AIA fire exactly like LIF (Eq. 6-9 change only the
    /// gradient, and cached AIA's beta is folded into the convolution), the others stay as they are.
    /// </summary>
    public static NeuronKind InferenceKind(this NeuronKind kind) =>
        kind is NeuronKind.Aia or NeuronKind.CachedAia ? NeuronKind.Lif : kind;

    /// <summary>Parses lif, if, plif, aia, cached-aia (also cached_aia, cachedaia).</summary>
    public static NeuronKind Parse(string name) =>
        name.Trim().ToLowerInvariant().Replace("_", "-") switch
        {
            "lif" => NeuronKind.Lif,
            "if" => NeuronKind.If,
            "plif" => NeuronKind.Plif,
            "aia" => NeuronKind.Aia,
            "cached-aia" or "cachedaia" => NeuronKind.CachedAia,
            _ => throw new ArgumentException($"Unknown neuron '{name}'; use lif, if, plif, aia or cached-aia."),
        };
}
