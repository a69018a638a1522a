using Aia.Engine.Runtime;

namespace Aia.Engine.Autodiff;

/// <summary>
/// Reverse-mode autodiff as a list of closures. Every operation that has an input with
/// <see cref="Tensor.RequiresGrad"/> records how to push its output's gradient to its inputs;
/// <see cref="Backward"/> seeds the loss gradient and runs the list in reverse. Gradients of tensors used
/// twice (fan-out) accumulate, because each backward asks <see cref="Tensor.GradientTarget"/> whether to add.
/// </summary>
public sealed class Tape
{
    private readonly Device device;
    private readonly List<Action> entries = [];
    private int noGradDepth;

    internal Tape(Device device) => this.device = device;

    /// <summary>False inside <see cref="NoGrad"/>: nothing is recorded and outputs never require grad.</summary>
    public bool IsRecording => noGradDepth == 0;

    /// <summary>Number of recorded backward closures.</summary>
    public int Count => entries.Count;

    /// <summary>Suspends recording until the returned scope is disposed (evaluation, statistics updates).</summary>
    public IDisposable NoGrad()
    {
        noGradDepth++;
        return new Scope(this);
    }

    /// <summary>
    /// Whether an op with these inputs must record a backward; when true the caller marks its output
    /// <see cref="Tensor.RequiresGrad"/> and calls <see cref="Record"/>.
    /// </summary>
    public bool Needs(params ReadOnlySpan<Tensor?> inputs)
    {
        if (!IsRecording)
            return false;
        foreach (var t in inputs)
        {
            if (t is { RequiresGrad: true })
                return true;
        }
        return false;
    }

    /// <summary>Records a backward closure; <paramref name="output"/> is marked as requiring grad.</summary>
    public void Record(Tensor output, Action backward)
    {
        output.RequiresGrad = true;
        entries.Add(backward);
    }

    /// <summary>
    /// Runs the tape in reverse from <paramref name="loss"/> (any shape; its gradient is seeded with ones, the
    /// gradient of the sum of its elements) and clears it.
    /// </summary>
    public void Backward(Tensor loss)
    {
        if (!loss.RequiresGrad)
            throw new InvalidOperationException("The loss does not depend on any tensor that requires grad.");
        var (seed, _) = loss.GradientTarget();
        Ops.Elementwise.Fill(device, seed, 1f);
        for (int i = entries.Count - 1; i >= 0; i--)
            entries[i]();
        entries.Clear();
    }

    /// <summary>Drops everything recorded (an evaluation step, or a step abandoned after an error).</summary>
    public void Clear() => entries.Clear();

    private sealed class Scope(Tape tape) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (!disposed)
                tape.noGradDepth--;
            disposed = true;
        }
    }
}
