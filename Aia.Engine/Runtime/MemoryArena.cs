using ILGPU;
using ILGPU.Runtime;

namespace Aia.Engine.Runtime;

/// <summary>
/// Step-scoped device memory. Everything a training step needs (activations, saved state, activation
/// gradients, scratch) is bump-allocated here and released together by <see cref="Reset"/>. When a step
/// needed more than one chunk, <see cref="Reset"/> replaces the chunks by one of their total size, so from
/// the second step on a step of the same shapes allocates no device memory at all.
/// </summary>
public sealed class MemoryArena : IDisposable
{
    /// <summary>Allocations start at multiples of this many bytes (coalesced and vector loads).</summary>
    public const long Alignment = 256;

    private readonly Accelerator accelerator;
    private readonly List<MemoryBuffer1D<byte, Stride1D.Dense>> chunks = [];
    private readonly long minimumChunkBytes;
    private int current;
    private long offset;
    private long usedBytes;

    /// <summary>Creates an arena whose first chunk holds at least <paramref name="minimumChunkBytes"/>.</summary>
    public MemoryArena(Accelerator accelerator, long minimumChunkBytes = 16 << 20)
    {
        this.accelerator = accelerator;
        this.minimumChunkBytes = minimumChunkBytes;
    }

    /// <summary>Incremented by every <see cref="Reset"/>: views handed out before it are no longer valid.</summary>
    public long Generation { get; private set; }

    /// <summary>Bytes of device memory the arena holds.</summary>
    public long CapacityBytes => chunks.Sum(c => c.LengthInBytes);

    /// <summary>The most bytes handed out between two resets.</summary>
    public long PeakUsedBytes { get; private set; }

    /// <summary>How many device allocations the arena has made since it was created.</summary>
    public int DeviceAllocations { get; private set; }

    /// <summary>Raised after the arena allocated device memory, with the bytes allocated.</summary>
    internal event Action<long>? Allocated;

    /// <summary>Raised after the arena freed device memory, with the bytes freed.</summary>
    internal event Action<long>? Freed;

    /// <summary>Hands out an uninitialised view of <paramref name="count"/> elements, valid until <see cref="Reset"/>.</summary>
    public ArrayView<T> Allocate<T>(long count) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long bytes = AlignUp(Math.Max(1, count) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        while (current < chunks.Count && offset + bytes > chunks[current].LengthInBytes)
        {
            current++;
            offset = 0;
        }
        if (current == chunks.Count)
            AddChunk(Math.Max(bytes, Math.Max(minimumChunkBytes, CapacityBytes)));
        var view = ((ArrayView<byte>)chunks[current].View).SubView(offset, bytes).Cast<T>().SubView(0, count);
        offset += bytes;
        usedBytes += bytes;
        PeakUsedBytes = Math.Max(PeakUsedBytes, usedBytes);
        return view;
    }

    /// <summary>Copies host values into a new arena view (labels, indices); see <see cref="CopyIn{T}"/>.</summary>
    public ArrayView<T> Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var view = Allocate<T>(data.Length);
        CopyIn(view, data);
        return view;
    }

    /// <summary>
    /// Copies host values into a device view. On CUDA the copy is enqueued without synchronising the device (the driver
    /// stages pageable host memory, so the source may be reused as soon as the call returns): uploading a batch does
    /// not stall the training step. Elsewhere the copy is synchronous.
    /// </summary>
    public static void CopyIn<T>(ArrayView<T> target, ReadOnlySpan<T> data) where T : unmanaged
    {
        if (data.Length == 0)
            return;
        ref T first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(data);
        if (target.GetAccelerator().AcceleratorType == AcceleratorType.Cuda)
            target.CopyFromCPUUnsafeAsync(ref first, data.Length);
        else
            target.CopyFromCPU(ref first, data.Length);
    }

    /// <summary>
    /// Releases every allocation. If the last step spilled into several chunks they are merged into one, so the
    /// next step of the same shapes fits without allocating.
    /// </summary>
    public void Reset()
    {
        if (chunks.Count > 1)
        {
            long total = CapacityBytes;
            accelerator.Synchronize();
            foreach (var c in chunks)
            {
                Freed?.Invoke(c.LengthInBytes);
                c.Dispose();
            }
            chunks.Clear();
            AddChunk(total);
        }
        current = 0;
        offset = 0;
        usedBytes = 0;
        Generation++;
    }

    private void AddChunk(long bytes)
    {
        chunks.Add(accelerator.Allocate1D<byte>(AlignUp(bytes)));
        DeviceAllocations++;
        Allocated?.Invoke(AlignUp(bytes));
    }

    private static long AlignUp(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var c in chunks)
            c.Dispose();
        chunks.Clear();
    }
}
