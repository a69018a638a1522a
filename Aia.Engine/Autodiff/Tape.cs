using Aia.Engine.Runtime;

namespace Aia.Engine.Autodiff;

/// <summary>
/// Reverse-mode autodiff as a list of closures. Every operation that has an input with
/// <see cref="Tensor.RequiresGrad"/> records how to push its output's gradient to its inputs;
/// <see cref="Backward"/> seeds the loss gradient and runs the list in reverse. Gradients of tensors used
/// twice (fan-out) accumulate, because each backward asks <see cref="Tensor.GradientTarget"/> whether to add.
/// Liveness: every closure runs inside an arena scope (its scratch is freed when it returns); after it, the state the
/// op saved for it is freed, and so are the data and gradient of its output when that is an
/// <see cref="Tensor.Intermediate"/> tensor: every op that reads them was recorded later and has already run.
/// </summary>
public sealed class Tape
{
    private readonly Device device;
    private readonly List<(Tensor Output, Action Backward, ArenaBlock[] Saved)> entries = [];
    private int noGradDepth;
    private int recomputeDepth;

    internal Tape(Device device) => this.device = device;

    /// <summary>False inside <see cref="NoGrad"/>: nothing is recorded and outputs never require grad.</summary>
    public bool IsRecording => noGradDepth == 0;

    /// <summary>
    /// True while a backward closure reruns a forward to rebuild what was not kept (<see cref="SegmentCheckpoint"/>): the
    /// rerun computes the same values but leaves the step's side effects alone (batch norm running statistics, spike
    /// counts, dropout's step counter), which the first forward already had.
    /// </summary>
    public bool Recomputing => recomputeDepth > 0;

    /// <summary>
    /// When set, <see cref="Backward"/> synchronises after every closure and adds its time (milliseconds) under the
    /// op that recorded it (the closure's declaring method, e.g. <c>Convolution.Conv2d</c>). For benchmarks only.
    /// </summary>
    public Dictionary<string, double>? Profile { get; set; }

    /// <summary>Number of recorded backward closures.</summary>
    public int Count => entries.Count;

    /// <summary>Suspends recording until the returned scope is disposed (evaluation, statistics updates).</summary>
    public IDisposable NoGrad()
    {
        noGradDepth++;
        return new Scope(() => noGradDepth--);
    }

    /// <summary>
    /// Set by <see cref="SegmentCheckpoint"/> while a rerun runs the last Conv-BN and neuron of a segment, whose outputs no
    /// forward op reads (the segment's output gradient is given, and the neuron's backward reruns it from the convolution
    /// output): the batch norm and the neuron then record their backward without computing their output
    /// (<see cref="Tensor.Virtual"/>), so the rerun never holds them.
    /// </summary>
    internal bool OutputUnread { get; set; }

    /// <summary>Marks a forward rerun (<see cref="Recomputing"/>) until the returned scope is disposed.</summary>
    internal IDisposable Recompute()
    {
        recomputeDepth++;
        return new Scope(() => recomputeDepth--);
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

    /// <summary>
    /// Records a backward closure; <paramref name="output"/> is marked as requiring grad. <paramref name="saved"/> are
    /// arena blocks only this closure reads (saved state such as membrane potentials): freed once it has run.
    /// </summary>
    public void Record(Tensor output, Action backward, params ArenaBlock[] saved)
    {
        output.RequiresGrad = true;
        entries.Add((output, backward, saved));
    }

    /// <summary>Bytes in live arena blocks when the last <see cref="Backward"/> started: what the forward kept for it.</summary>
    public long SavedBytesAtBackward { get; private set; }

    /// <summary>
    /// Runs the tape in reverse from <paramref name="loss"/> (any shape; its gradient is seeded with ones, the
    /// gradient of the sum of its elements) and clears it.
    /// </summary>
    public void Backward(Tensor loss)
    {
        if (!loss.RequiresGrad)
            throw new InvalidOperationException("The loss does not depend on any tensor that requires grad.");
        SavedBytesAtBackward = device.Arena.UsedBytes;
        var (seed, _) = loss.GradientTarget();
        Ops.Elementwise.Fill(device, seed, 1f);
        Run(0);
    }

    /// <summary>
    /// Runs the closures recorded since <paramref name="mark"/> (a <see cref="Count"/> taken earlier) in reverse and drops
    /// them: the backward of a forward rerun inside a backward closure (<see cref="SegmentCheckpoint"/>), whose output
    /// gradient the caller has set. Profiled time stays with the enclosing closure.
    /// </summary>
    internal void BackwardFrom(int mark) => Run(mark);

    private void Run(int mark)
    {
        var clock = new System.Diagnostics.Stopwatch();
        var profile = mark == 0 ? Profile : null;
        for (int i = entries.Count - 1; i >= mark; i--)
        {
            var (output, backward, saved) = entries[i];
            clock.Restart();
            device.Arena.BeginScope();
            backward();
            device.Arena.EndScope();
            foreach (var block in saved)
                block.Free();
            if (output.Intermediate)
            {
                output.Release();
                if (output.Grad is { IsPersistent: false } grad)
                    grad.Release();
            }
            if (profile is null)
                continue;
            device.Synchronize();
            string op = OpName(backward);
            profile[op] = profile.GetValueOrDefault(op) + clock.Elapsed.TotalMilliseconds;
        }
        entries.RemoveRange(mark, entries.Count - mark);
    }

    /// <summary>"Class.Method" of the op that recorded a closure (compiler names look like <c>&lt;Conv2d&gt;b__0</c>).</summary>
    private static string OpName(Action backward)
    {
        string method = backward.Method.Name;
        int open = method.IndexOf('<'), close = method.IndexOf('>');
        string name = open >= 0 && close > open ? method[(open + 1)..close] : method;
        var type = backward.Method.DeclaringType;
        while (type?.DeclaringType is not null && type.Name.StartsWith('<'))
            type = type.DeclaringType;
        return $"{type?.Name}.{name}";
    }

    /// <summary>Drops everything recorded (an evaluation step, or a step abandoned after an error).</summary>
    public void Clear() => entries.Clear();

    private sealed class Scope(Action exit) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (!disposed)
                exit();
            disposed = true;
        }
    }
}
