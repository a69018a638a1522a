using Aia.Engine.Runtime;

namespace Aia.Engine.Verification.References;

/// <summary>How a [T, N, C, H, W] or [T, N, F] tensor of input currents is seen by the neuron references.</summary>
/// <param name="Steps">T.</param>
/// <param name="Neurons">Neurons per time step, N * C * H * W or N * F.</param>
/// <param name="Channels">C or F.</param>
/// <param name="Spatial">H * W, or 1.</param>
public readonly record struct NeuronLayout(int Steps, int Neurons, int Channels, int Spatial)
{
    /// <summary>The layout of <paramref name="shape"/> (rank 3 or 5).</summary>
    public static NeuronLayout Of(Shape shape) => shape.Rank switch
    {
        3 => new(shape[0], shape[1] * shape[2], shape[2], 1),
        5 => new(shape[0], (int)shape.Product(1, 5), shape[2], shape[3] * shape[4]),
        _ => throw new ArgumentException($"NeuronLayout: expected [T, N, C, H, W] or [T, N, F], got {shape}."),
    };

    /// <summary>The channel of neuron <paramref name="i"/> of a time step.</summary>
    public int Channel(int i) => i / Spatial % Channels;
}
