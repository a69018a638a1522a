using ILGPU;
using ILGPU.Runtime;

namespace Aia.Engine.Runtime;

/// <summary>
/// Step-scoped device memory. Everything a training step needs (activations, saved state, activation gradients,
/// scratch) is allocated here. A block is freed at its last use (<see cref="Free"/>: the tape frees what a backward
/// closure no longer needs, see <see cref="Autodiff.Tape"/>), so the step's peak is its largest working set; the rest
/// goes at <see cref="Reset"/>. <see cref="Reset"/> turns the last step's sequence of allocations and frees into a
/// layout (<see cref="ArenaLayout"/>: every block's offset, placed largest first around the blocks that live at the same
/// time) and, when the step needed more, replaces the chunks by one of the layout's size; the next step of the same
/// shapes takes the planned offsets, so from the second step on it allocates no device memory at all and its arena is
/// close to its largest working set. Where a step departs from the layout (other shapes) the rest of it is placed best
/// fit over an address-ordered free list; either way the same sequence always gives the same placement. In <see cref="Planning"/> mode no device memory is
/// touched: views are placed in a virtual address space (for <c>--dry-run</c>, with kernel launches skipped).
/// </summary>
public sealed class MemoryArena : IDisposable
{
    /// <summary>Allocations start at multiples of this many bytes (coalesced and vector loads).</summary>
    public const long Alignment = 256;

    private readonly Accelerator accelerator;
    private readonly List<Chunk> chunks = [];
    private readonly List<long> events = [];
    private ArenaLayout? layout;
    private bool followLayout;
    private readonly Stack<List<ArenaBlock>> scopes = new();
    private readonly long minimumChunkBytes;
    private MemoryBuffer1D<byte, Stride1D.Dense>? planningBuffer;
    private long usedBytes;
    private int sequence;
    private bool planning;

    /// <summary>Creates an arena whose first chunk holds at least <paramref name="minimumChunkBytes"/>.</summary>
    public MemoryArena(Accelerator accelerator, long minimumChunkBytes = 16 << 20)
    {
        this.accelerator = accelerator;
        this.minimumChunkBytes = minimumChunkBytes;
    }

    /// <summary>Incremented by every <see cref="Reset"/>: views handed out before it are no longer valid.</summary>
    public long Generation { get; private set; }

    /// <summary>Bytes of device memory the arena holds (in <see cref="Planning"/> mode: would hold).</summary>
    public long CapacityBytes => chunks.Sum(c => c.Bytes);

    /// <summary>The most bytes in live blocks at once since the last reset.</summary>
    public long PeakUsedBytes { get; private set; }

    /// <summary>Bytes in live blocks now.</summary>
    public long UsedBytes => usedBytes;

    /// <summary>The most bytes in live blocks at once during the step before the last <see cref="Reset"/>.</summary>
    public long LastStepPeakUsedBytes { get; private set; }

    /// <summary>Bytes one chunk needs to hold every step since the arena was created or planning was switched (set by <see cref="Reset"/>).</summary>
    public long PlannedBytes { get; private set; }

    /// <summary>How many device allocations the arena has made since it was created.</summary>
    public int DeviceAllocations { get; private set; }

    /// <summary>
    /// When true (set between steps only), no device memory is allocated or touched and the device launches nothing:
    /// blocks get views into a virtual address space. Switching resets the arena; switching planning off allocates
    /// the one chunk the planned steps need (<see cref="PlannedBytes"/>), so the real steps that follow allocate nothing.
    /// </summary>
    public bool Planning
    {
        get => planning;
        set
        {
            if (value == planning)
                return;
            ReleaseChunks();
            planning = value;
            Reset();
        }
    }

    /// <summary>Raised after the arena allocated device memory, with the bytes allocated.</summary>
    internal event Action<long>? Allocated;

    /// <summary>Raised after the arena freed device memory, with the bytes freed.</summary>
    internal event Action<long>? Freed;

    /// <summary>
    /// Hands out an uninitialised view of <paramref name="count"/> elements, valid until <see cref="Reset"/>; inside a
    /// tape backward closure (<see cref="BeginScope"/>) it is scratch, freed when the closure returns.
    /// </summary>
    public ArrayView<T> Allocate<T>(long count) where T : unmanaged
    {
        var block = AllocateBlock(count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        if (scopes.TryPeek(out var scope))
            scope.Add(block);
        return block.View<T>(count);
    }

    /// <summary>A block of at least <paramref name="bytes"/> bytes that lives until <see cref="Free"/> or <see cref="Reset"/>.</summary>
    public ArenaBlock AllocateBlock(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long size = AlignUp(Math.Max(1, bytes));
        var (chunk, offset) = Place(size, sequence);
        usedBytes += size;
        PeakUsedBytes = Math.Max(PeakUsedBytes, usedBytes);
        var block = new ArenaBlock(this, chunk, offset, size, Generation, sequence++);
        events.Add(size);
        return block;
    }

    /// <summary>A block of <paramref name="bytes"/> that never had memory: freed from the start (see <see cref="Tensor.Virtual"/>).</summary>
    internal ArenaBlock Unplaced(long bytes) => new(this, -1, 0, AlignUp(Math.Max(1, bytes)), Generation, -1) { IsFreed = true };

    /// <summary>Frees <paramref name="block"/> now (a block of an earlier step, or one already freed, is ignored).</summary>
    public void Free(ArenaBlock block)
    {
        if (block.Generation != Generation || block.IsFreed)
            return;
        block.IsFreed = true;
        usedBytes -= block.Bytes;
        chunks[block.Chunk].Release(block.Offset, block.Bytes);
        events.Add(-1 - block.Sequence);
    }

    /// <summary>
    /// Hands the memory of <paramref name="block"/> to a new block, for a kernel that overwrites its input in place: the
    /// old block counts as freed (its tensors may no longer be read; a rebuildable one is rebuilt elsewhere), the new one
    /// continues its lifetime in the step's sequence, so a planned layout keeps the two in the same place.
    /// </summary>
    public ArenaBlock Transfer(ArenaBlock block)
    {
        if (block.Generation != Generation || block.IsFreed)
            throw new InvalidOperationException("MemoryArena.Transfer: the block is freed or belongs to an earlier step.");
        block.IsFreed = true;
        return new ArenaBlock(this, block.Chunk, block.Offset, block.Bytes, Generation, block.Sequence);
    }

    /// <summary>Makes <paramref name="block"/> scratch of the innermost scope (freed with it), or leaves it to <see cref="Reset"/>.</summary>
    public void Adopt(ArenaBlock block)
    {
        if (scopes.TryPeek(out var scope))
            scope.Add(block);
    }

    /// <summary>Starts collecting raw <see cref="Allocate{T}"/> calls as scratch (a backward closure).</summary>
    public void BeginScope() => scopes.Push([]);

    /// <summary>Frees the scratch collected since the matching <see cref="BeginScope"/>.</summary>
    public void EndScope()
    {
        foreach (var block in scopes.Pop())
            Free(block);
    }

    /// <summary>Copies host values into a new arena view (labels, indices); see <see cref="CopyIn{T}"/>.</summary>
    public ArrayView<T> Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var view = Allocate<T>(data.Length);
        if (!Planning)
            CopyIn(view, data);
        return view;
    }

    /// <summary>
    /// Copies host values into a device view. On CUDA the copy is enqueued without synchronising the device (the driver
    /// stages pageable host memory, so the source may be reused as soon as the call returns): uploading a batch does
    /// not stall the training step. Elsewhere the copy is synchronous.
    /// </summary>
    public static unsafe void CopyIn<T>(ArrayView<T> target, ReadOnlySpan<T> data) where T : unmanaged
    {
        if (data.Length == 0)
            return;
        // Pinned for the call: ILGPU takes the reference as the address of a pinned buffer, and a garbage collection during
        // the copy would otherwise move a managed array under it (the copy then reads whatever lies there). A pageable
        // CUDA copy has staged the data when the call returns.
        fixed (T* first = data)
        {
            if (target.GetAccelerator().AcceleratorType == AcceleratorType.Cuda)
                target.CopyFromCPUUnsafeAsync(ref *first, data.Length);
            else
                target.CopyFromCPU(ref *first, data.Length);
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="data"/> (blocking), the host memory pinned for the copy (see <see cref="CopyIn"/>).</summary>
    public static unsafe void CopyOut<T>(ArrayView<T> source, Span<T> data) where T : unmanaged
    {
        if (data.Length == 0)
            return;
        fixed (T* first = data)
            source.CopyToCPU(ref *first, data.Length);
    }

    /// <summary>
    /// Releases every allocation. If the last step did not fit the first chunk, the chunks are replaced by one chunk
    /// of the size that the step's allocations and frees, replayed in order, need; the next step of the same shapes
    /// then fits without allocating.
    /// </summary>
    public void Reset()
    {
        if (events.Count > 0)
        {
            var next = ArenaLayout.Plan(events);
            // A planned step (a dry run) says what the next steps are: its layout replaces whatever was kept, also a larger one
            // of other shapes (another model on the same device); a real step's replaces it when it is larger or the same sequence.
            if (layout is null || planning || next.Bytes >= layout.Bytes || next.SameSequence(layout))
                layout = next;
            PlannedBytes = Math.Max(PlannedBytes, next.Bytes);
        }
        followLayout = layout is not null;
        LastStepPeakUsedBytes = PeakUsedBytes;
        events.Clear();
        scopes.Clear();
        if (chunks.Count > 1 || (chunks.Count == 1 && chunks[0].Bytes < PlannedBytes) || (chunks.Count == 0 && PlannedBytes > 0))
        {
            ReleaseChunks();
            AddChunk(PlannedBytes);
        }
        foreach (var c in chunks)
            c.Clear();
        usedBytes = 0;
        PeakUsedBytes = 0;
        sequence = 0;
        Generation++;
    }

    private (int Chunk, long Offset) Place(long size, int index)
    {
        if (followLayout && chunks.Count > 0 && layout!.Offset(index, size) is long planned && chunks[0].TryTakeAt(planned, size))
            return (0, planned);
        followLayout = false;
        for (int i = 0; i < chunks.Count; i++)
        {
            long offset = chunks[i].TryTake(size);
            if (offset >= 0)
                return (i, offset);
        }
        AddChunk(Math.Max(size, Math.Max(minimumChunkBytes, CapacityBytes / 4)));
        return (chunks.Count - 1, chunks[^1].TryTake(size));
    }

    internal ArrayView<byte> Bytes(int chunk, long offset, long bytes)
    {
        if (Planning)
        {
            planningBuffer ??= accelerator.Allocate1D<byte>(Alignment);
            return new ArrayView<byte>(planningBuffer, offset + ((long)chunk << 40), bytes);
        }
        return ((ArrayView<byte>)chunks[chunk].Buffer!.View).SubView(offset, bytes);
    }

    private void AddChunk(long bytes)
    {
        bytes = AlignUp(bytes);
        if (Planning)
        {
            chunks.Add(new Chunk(null, bytes));
            return;
        }
        chunks.Add(new Chunk(accelerator.Allocate1D<byte>(bytes), bytes));
        DeviceAllocations++;
        Allocated?.Invoke(bytes);
    }

    private void ReleaseChunks()
    {
        if (chunks.Any(c => c.Buffer is not null))
            accelerator.Synchronize();
        foreach (var c in chunks)
        {
            if (c.Buffer is null)
                continue;
            Freed?.Invoke(c.Bytes);
            c.Buffer.Dispose();
        }
        chunks.Clear();
    }

    private static long AlignUp(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var c in chunks)
            c.Buffer?.Dispose();
        chunks.Clear();
        planningBuffer?.Dispose();
    }

    /// <summary>One device buffer and its free list (offset to size, address order; neighbours coalesce).</summary>
    private sealed class Chunk(MemoryBuffer1D<byte, Stride1D.Dense>? buffer, long bytes)
    {
        private readonly SortedList<long, long> free = new() { [0] = bytes };

        public MemoryBuffer1D<byte, Stride1D.Dense>? Buffer { get; } = buffer;

        public long Bytes { get; } = bytes;

        public void Clear()
        {
            free.Clear();
            free[0] = Bytes;
        }

        /// <summary>Takes [offset, offset + size) if it is free.</summary>
        public bool TryTakeAt(long offset, long size)
        {
            int i = LowerBound(offset + 1) - 1;
            if (i < 0)
                return false;
            long start = free.Keys[i], length = free.Values[i];
            if (start + length < offset + size)
                return false;
            free.RemoveAt(i);
            if (offset > start)
                free[start] = offset - start;
            if (start + length > offset + size)
                free[offset + size] = start + length - offset - size;
            return true;
        }

        /// <summary>The offset of the smallest free range that fits (lowest address on ties), or -1.</summary>
        public long TryTake(long size)
        {
            long best = -1, bestSize = long.MaxValue;
            foreach (var (offset, length) in free)
            {
                if (length >= size && length < bestSize)
                {
                    best = offset;
                    bestSize = length;
                }
            }
            if (best < 0)
                return -1;
            free.Remove(best);
            if (bestSize > size)
                free[best + size] = bestSize - size;
            return best;
        }

        public void Release(long offset, long size)
        {
            int i = free.Count == 0 ? 0 : LowerBound(offset);
            if (i > 0 && free.Keys[i - 1] + free.Values[i - 1] == offset)
            {
                offset = free.Keys[i - 1];
                size += free.Values[i - 1];
                free.RemoveAt(i - 1);
                i--;
            }
            if (i < free.Count && offset + size == free.Keys[i])
            {
                size += free.Values[i];
                free.RemoveAt(i);
            }
            free[offset] = size;
        }

        private int LowerBound(long offset)
        {
            int lo = 0, hi = free.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) / 2;
                if (free.Keys[mid] < offset) lo = mid + 1; else hi = mid;
            }
            return lo;
        }
    }
}
