using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>Runs its modules in order; they are named by index ("0", "1", ...).</summary>
public sealed class Sequential(params Module[] modules) : Module
{
    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers { get; } = modules;

    /// <summary>
    /// Runs the layers. Every output but the last is <see cref="Tensor.Intermediate"/> (freed after its producer's
    /// backward), and a transient one (spikes, batch-norm outputs; in inference every one) is freed as soon as the next
    /// layer has consumed it.
    /// </summary>
    public override Tensor Forward(Tensor x)
    {
        var input = x;
        for (int i = 0; i < Layers.Count; i++)
        {
            var y = Layers[i].Forward(x);
            if (i < Layers.Count - 1 && y != input)
                y.Intermediate = true;
            if (x != input && y.Block != x.Block)
                x.Consumed();
            x = y;
        }
        return x;
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Module Module)> Children() =>
        Layers.Select((m, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), m));
}
