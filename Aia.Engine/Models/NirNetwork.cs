using Aia.Engine.Nn;
using Aia.Engine.Runtime;

namespace Aia.Engine.Models;

/// <summary>
/// A network read from a NIR graph (<see cref="NirImport"/>): the chain's nodes as engine layers, named after
/// them, over time-major tensors [T, N, *input shape] -> [T, N, *output shape]. Its spiking layers count their
/// spikes like a trained network's, so <see cref="Training.Evaluator"/> reports them per NIR node.
/// </summary>
public sealed class NirNetwork : Module
{
    private readonly IReadOnlyList<(string Name, Module Module)> layers;

    internal NirNetwork(IReadOnlyList<(string Name, Module Module)> layers, long[] inputShape, long[] outputShape,
        IReadOnlyList<NirLayerInfo> description)
    {
        this.layers = layers;
        InputShape = inputShape;
        OutputShape = outputShape;
        Description = description;
        Eval();
    }

    /// <summary>The shape of one input step without batch (the Input node's shape, [2, H, W] for event frames).</summary>
    public long[] InputShape { get; }

    /// <summary>The shape of one output step without batch (the Output node's).</summary>
    public long[] OutputShape { get; }

    /// <summary>What each NIR node became, in order.</summary>
    public IReadOnlyList<NirLayerInfo> Description { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        var dims = x.Shape.ToArray();
        if (dims.Length != InputShape.Length + 2 || !dims[2..].Select(d => (long)d).SequenceEqual(InputShape))
            throw new ArgumentException($"The NIR network takes [T, N, {string.Join(", ", InputShape)}] inputs, got {x.Shape}.");
        foreach (var (_, m) in layers)
            x = m.Forward(x);
        return x;
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Module Module)> Children() => layers;
}

/// <summary>One NIR node of an imported network: its name, type, shapes, and the engine layer it became.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Type">The NIR type.</param>
/// <param name="In">Input shape (without batch and time).</param>
/// <param name="Out">Output shape.</param>
/// <param name="Engine">The engine layer and its constants, in words.</param>
public sealed record NirLayerInfo(string Name, string Type, long[] In, long[] Out, string Engine);
