using Aia.Engine.Runtime;
using ILGPU;

namespace Aia.Engine.Optim;

/// <summary>
/// A first-order optimizer with its state on the device: one fused update launch per parameter tensor and step,
/// parameters without a gradient this step (<see cref="Tensor.HasGrad"/> false) skipped, no host synchronisation.
/// State tensors are named <c>&lt;parameter&gt;.&lt;slot&gt;</c> (<see cref="NamedState"/>) and the step counts
/// are plain numbers (<see cref="StepCounts"/>), so a checkpoint can save and restore both.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> state = [];
    private readonly long[] parameterSteps;
    private readonly Tensor unitScale;

    /// <summary>Takes the parameters to update (names must be unique, as from <see cref="Nn.Module.NamedParameters"/>).</summary>
    protected Optimizer(Device device, IEnumerable<(string Name, Tensor Tensor)> parameters, double learningRate)
    {
        Device = device;
        Parameters = parameters.ToList();
        if (Parameters.Count == 0)
            throw new ArgumentException($"{GetType().Name}: no parameters to optimise.");
        foreach (var duplicate in Parameters.GroupBy(p => p.Name).Where(g => g.Count() > 1))
            throw new ArgumentException($"{GetType().Name}: parameter name '{duplicate.Key}' appears twice.");
        foreach (var (name, t) in Parameters)
        {
            if (!t.IsPersistent || !t.RequiresGrad)
                throw new ArgumentException($"{GetType().Name}: '{name}' is not a persistent tensor that requires grad.");
        }
        parameterSteps = new long[Parameters.Count];
        LearningRate = learningRate;
        unitScale = Tensor.Persistent(device, new Shape(1), "unit_scale");
        Init.Constant(unitScale, 1f);
    }

    /// <summary>The device of the parameters and the state.</summary>
    public Device Device { get; }

    /// <summary>The parameters with their names.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> Parameters { get; }

    /// <summary>The learning rate of the next step (a schedule sets it before each step or epoch).</summary>
    public double LearningRate { get; set; }

    /// <summary>When set, every step first clips the gradients by their global norm (fused into the updates).</summary>
    public GradientClipping? Clipping { get; set; }

    /// <summary>Number of <see cref="Step"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// Updates every parameter that received a gradient since its last <see cref="Tensor.ZeroGrad"/>, and counts a
    /// step for it (the bias corrections use each parameter's own count, as PyTorch does).
    /// </summary>
    public void Step()
    {
        var withGrad = Enumerable.Range(0, Parameters.Count).Where(i => Parameters[i].Tensor.HasGrad).ToList();
        Clipping?.Compute(Parameters.Select(p => p.Tensor));
        var scale = Clipping?.Scale.View ?? unitScale.View;
        foreach (int i in withGrad)
        {
            var p = Parameters[i].Tensor;
            Update(i, p, p.Grad!, ++parameterSteps[i], scale);
        }
        StepCount++;
    }

    /// <summary>Forgets every parameter's gradient (the next backward overwrites instead of adding).</summary>
    public void ZeroGrad()
    {
        foreach (var (_, t) in Parameters)
            t.ZeroGrad();
    }

    /// <summary>The state tensors, named &lt;parameter&gt;.&lt;slot&gt; (e.g. <c>features.0.weight.exp_avg</c>).</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> NamedState => state;

    /// <summary>The counters of the optimizer: "step" (calls of <see cref="Step"/>) and "&lt;parameter&gt;.step".</summary>
    public IReadOnlyDictionary<string, long> StepCounts()
    {
        var counts = new Dictionary<string, long> { ["step"] = StepCount };
        for (int i = 0; i < Parameters.Count; i++)
            counts[Parameters[i].Name + ".step"] = parameterSteps[i];
        return counts;
    }

    /// <summary>Restores counters saved by <see cref="StepCounts"/>; a missing entry is an error naming it.</summary>
    public void LoadStepCounts(IReadOnlyDictionary<string, long> counts)
    {
        long Get(string key) => counts.TryGetValue(key, out long v) ? v
            : throw new ArgumentException($"{GetType().Name}: the saved step counts have no '{key}'.");
        StepCount = Get("step");
        for (int i = 0; i < Parameters.Count; i++)
            parameterSteps[i] = Get(Parameters[i].Name + ".step");
    }

    /// <summary>
    /// Runs the fused update of parameter <paramref name="index"/> at its step <paramref name="step"/> (1 on its
    /// first update), with the gradient scaled by the device scalar <paramref name="gradScale"/>.
    /// </summary>
    protected abstract void Update(int index, Tensor parameter, Tensor gradient, long step, ArrayView<float> gradScale);

    /// <summary>Creates one zero-filled state tensor per parameter, named &lt;parameter&gt;.&lt;slot&gt;.</summary>
    protected Tensor[] CreateState(string slot)
    {
        var tensors = new Tensor[Parameters.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            var (name, p) = Parameters[i];
            tensors[i] = Tensor.Persistent(Device, p.Shape, name + "." + slot);
            state.Add((tensors[i].Name!, tensors[i]));
        }
        return tensors;
    }

    /// <summary>Frees the state.</summary>
    public void Dispose()
    {
        foreach (var (_, t) in state)
            t.Dispose();
        unitScale.Dispose();
        GC.SuppressFinalize(this);
    }
}
