using Aia.Kernels;

namespace Aia.Engine.Nn.Neurons;

/// <summary>The surrogate derivative that stands in for H' (Eq. 2) in the backward pass.</summary>
public enum SurrogateFunction
{
    /// <summary>1/a [|u - Vth| &lt; a/2], a = 1 by default: STBP-tdBN's, which the paper uses.</summary>
    Rectangular = Surrogate.Rectangular,

    /// <summary>(1/a) max(0, 1 - |u - Vth|/a), a = 1 by default: TET's triangle.</summary>
    Triangle = Surrogate.Triangle,

    /// <summary>(alpha/2) / (1 + (pi/2 alpha (u - Vth))^2), alpha = 2 by default.</summary>
    ATan = Surrogate.ATan,

    /// <summary>alpha s (1 - s), s = sigmoid(alpha (u - Vth)), alpha = 4 by default.</summary>
    Sigmoid = Surrogate.Sigmoid,
}

/// <summary>Command-line names of the surrogates: rect, triangle, atan, sigmoid.</summary>
public static class SurrogateFunctions
{
    /// <summary>Parses rect (rectangular), triangle, atan, sigmoid.</summary>
    public static SurrogateFunction Parse(string name) =>
        name.Trim().ToLowerInvariant() switch
        {
            "rect" or "rectangular" => SurrogateFunction.Rectangular,
            "triangle" or "tri" => SurrogateFunction.Triangle,
            "atan" => SurrogateFunction.ATan,
            "sigmoid" => SurrogateFunction.Sigmoid,
            _ => throw new ArgumentException($"Unknown surrogate '{name}'; use rect, triangle, atan or sigmoid."),
        };

    /// <summary>The command-line name.</summary>
    public static string Name(this SurrogateFunction f) => f switch
    {
        SurrogateFunction.Rectangular => "rect",
        _ => f.ToString().ToLowerInvariant(),
    };
}
