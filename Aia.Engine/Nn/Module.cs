using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>
/// A layer or a composition of layers. Activations flow as time-major tensors ([T, N, C, H, W] or [T, N, F]);
/// parameters are persistent tensors with <see cref="Tensor.RequiresGrad"/> set, buffers are persistent state
/// that is saved but not learned (BatchNorm running statistics). Names follow PyTorch's state-dict style
/// (<c>features.0.conv.weight</c>) so checkpoints read naturally in both worlds.
/// </summary>
public abstract class Module
{
    /// <summary>Whether the module is in training mode (batch statistics, dropout) or evaluation mode.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Runs the layer.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>Sub-modules with their local names.</summary>
    public virtual IEnumerable<(string Name, Module Module)> Children() => [];

    /// <summary>This module's own learnable tensors (not its children's).</summary>
    protected virtual IEnumerable<(string Name, Tensor Tensor)> OwnParameters() => [];

    /// <summary>This module's own saved, non-learned tensors.</summary>
    protected virtual IEnumerable<(string Name, Tensor Tensor)> OwnBuffers() => [];

    /// <summary>Every learnable tensor of the module tree with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "") =>
        Walk(prefix, m => m.OwnParameters());

    /// <summary>Every buffer of the module tree with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers(string prefix = "") =>
        Walk(prefix, m => m.OwnBuffers());

    /// <summary>Parameters and buffers: everything a checkpoint holds of the model.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> StateDict() => NamedParameters().Concat(NamedBuffers());

    /// <summary>Every module of the tree, depth first, with its dotted name ("" for the root).</summary>
    public IEnumerable<(string Name, Module Module)> Modules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in Children())
        {
            foreach (var m in child.Modules(Join(prefix, name)))
                yield return m;
        }
    }

    /// <summary>Switches the tree to training (true) or evaluation (false) mode.</summary>
    public void Train(bool training = true)
    {
        foreach (var (_, m) in Modules())
            m.Training = training;
    }

    /// <summary>Switches the tree to evaluation mode.</summary>
    public void Eval() => Train(false);

    /// <summary>Number of learnable scalars.</summary>
    public long ParameterCount() => NamedParameters().Sum(p => p.Tensor.Length);

    private IEnumerable<(string, Tensor)> Walk(string prefix, Func<Module, IEnumerable<(string Name, Tensor Tensor)>> own)
    {
        foreach (var (name, module) in Modules(prefix))
        {
            foreach (var (n, t) in own(module))
                yield return (Join(name, n), t);
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Creates a learnable persistent tensor.</summary>
    protected static Tensor CreateParameter(Device device, Shape shape, string name)
    {
        var t = Tensor.Persistent(device, shape, name);
        t.RequiresGrad = true;
        return t;
    }
}
