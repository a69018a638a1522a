using Aia.Engine.Runtime.Upload;
using ILGPU;
using ILGPU.Runtime;

namespace Aia.Tests.Support;

/// <summary>
/// CUDA's stream and event semantics for the input ring, simulated on the host: the compute queue and the copy queue
/// hold operations (waits, marks, copies, the test's kernels) that run later, one at a time, in an order a seeded
/// scheduler picks among the queues whose next operation may run. A wait applies to the most recent mark of its slot
/// made before the wait was enqueued (none made: it does not wait); the host's wait runs the queues until that mark has
/// passed. <see cref="CopyBias"/> is how often the copy queue goes first when both could: near 1 it runs far ahead of a
/// slow consumer, near 0 it lags behind. The <c>Skip</c> switches drop one kind of wait, so a test can show that the
/// checks catch a ring without it.
/// </summary>
public sealed class SimulatedStreams(int slots, int seed, double copyBias) : IUploadStreams
{
    private readonly Queue<Action>[] queues = [new(), new()];
    private readonly Queue<Func<bool>>[] guards = [new(), new()];
    private readonly int[] copiedMarks = new int[slots], copiedDone = new int[slots];
    private readonly int[] releasedMarks = new int[slots], releasedDone = new int[slots];
    private readonly Random random = new(seed);
    private const int Compute = 0, CopyQueue = 1;

    /// <summary>How often the copy queue runs first when both queues could.</summary>
    public double CopyBias { get; } = copyBias;

    /// <summary>Drop the host's wait before refilling a page-locked slot.</summary>
    public bool SkipHostWait { get; init; }

    /// <summary>Drop the copy queue's wait for the release of a device slot.</summary>
    public bool SkipCopyWait { get; init; }

    /// <summary>Drop the compute queue's wait for a slot's copy.</summary>
    public bool SkipComputeWait { get; init; }

    /// <summary>Operations run so far.</summary>
    public int Executed { get; private set; }

    /// <inheritdoc/>
    public bool Overlapped => true;

    /// <inheritdoc/>
    public void HostWaitCopied(int slot)
    {
        if (SkipHostWait) return;
        int mark = copiedMarks[slot];
        RunUntil(() => copiedDone[slot] >= mark);
    }

    /// <inheritdoc/>
    public void CopyWaitReleased(int slot)
    {
        if (SkipCopyWait) return;
        int mark = releasedMarks[slot];
        Enqueue(CopyQueue, () => releasedDone[slot] >= mark, () => { });
    }

    /// <inheritdoc/>
    public void Copy<T>(ArrayView<T> source, ArrayView<T> target) where T : unmanaged =>
        Enqueue(CopyQueue, () => true, () => target.CopyFrom(source));

    /// <inheritdoc/>
    public void MarkCopied(int slot)
    {
        int mark = ++copiedMarks[slot];
        Enqueue(CopyQueue, () => true, () => copiedDone[slot] = mark);
    }

    /// <inheritdoc/>
    public void ComputeWaitCopied(int slot)
    {
        if (SkipComputeWait) return;
        int mark = copiedMarks[slot];
        Enqueue(Compute, () => copiedDone[slot] >= mark, () => { });
    }

    /// <inheritdoc/>
    public void MarkReleased(int slot)
    {
        int mark = ++releasedMarks[slot];
        Enqueue(Compute, () => true, () => releasedDone[slot] = mark);
    }

    /// <summary>A kernel of the step on the compute queue.</summary>
    public void Kernel(Action kernel) => Enqueue(Compute, () => true, kernel);

    /// <summary>Lets the device run up to <paramref name="operations"/> operations now (fewer if both queues must wait).</summary>
    public void Advance(int operations)
    {
        for (int i = 0; i < operations && RunOne(); i++)
        {
        }
    }

    /// <summary>A random number of operations, 0 to <paramref name="most"/>.</summary>
    public void AdvanceRandomly(int most) => Advance(random.Next(most + 1));

    /// <inheritdoc/>
    public void Drain() => RunUntil(() => queues[0].Count == 0 && queues[1].Count == 0);

    /// <inheritdoc/>
    public void Dispose() => Drain();

    private void Enqueue(int queue, Func<bool> ready, Action run)
    {
        guards[queue].Enqueue(ready);
        queues[queue].Enqueue(run);
    }

    private void RunUntil(Func<bool> condition)
    {
        while (!condition())
        {
            if (!RunOne())
                throw new InvalidOperationException("SimulatedStreams: deadlock, both queues wait and the host waits for them.");
        }
    }

    private bool RunOne()
    {
        bool compute = guards[Compute].TryPeek(out var c) && c(), copy = guards[CopyQueue].TryPeek(out var k) && k();
        if (!compute && !copy) return false;
        int queue = compute && copy ? (random.NextDouble() < CopyBias ? CopyQueue : Compute) : compute ? Compute : CopyQueue;
        guards[queue].Dequeue();
        queues[queue].Dequeue()();
        Executed++;
        return true;
    }
}
