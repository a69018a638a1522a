using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>Runs its modules in order; they are named by index ("0", "1", ...).</summary>
public sealed class Sequential(params Module[] modules) : Module
{
    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers { get; } = modules;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        foreach (var m in Layers)
            x = m.Forward(x);
        return x;
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Module Module)> Children() =>
        Layers.Select((m, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), m));
}
