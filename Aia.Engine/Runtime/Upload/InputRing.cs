using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Aia.Engine.Runtime.Upload;

/// <summary>
/// Uploads training batches through a ring of slots, each a page-locked host buffer and a device buffer, so that on CUDA
/// the copy of batch k + 1 (on a copy stream) overlaps the kernels of step k (on the default stream) and the host never
/// waits for the device inside a step. Batch k goes through slot k mod <see cref="Slots"/>:
/// <list type="number">
/// <item>the compute queue marks slot (k - 1) released: every kernel of step k - 1, the last to read that slot, is
/// enqueued by the time batch k is uploaded;</item>
/// <item>the host waits until the previous copy out of the slot's page-locked buffer (batch k - Slots) has finished, then
/// writes batch k there (a host copy);</item>
/// <item>the copy queue waits until the compute queue has released the slot (step k - Slots is done with its device
/// buffer), copies, and marks the slot copied;</item>
/// <item>the compute queue waits for that mark before the first kernel of step k.</item>
/// </list>
/// With two slots the copy of batch k + 1 may start as soon as step k - 1 has finished, while step k runs. The two
/// waits on the device are <c>cuStreamWaitEvent</c> (<see cref="CudaUploadStreams"/>); the host's wait is on a copy that
/// was enqueued a whole step earlier. Elsewhere (<see cref="InlineUploadStreams"/>) the same code copies at once. The
/// slots are allocated once, for the largest batch: a step allocates nothing (the frames' tensor views a slot, outside
/// the arena). The plain path (<see cref="Tensor.FromArray"/>, <see cref="MemoryArena.Upload{T}"/>) stays the reference.
/// </summary>
public sealed class InputRing : IDisposable
{
    private readonly Device device;
    private readonly IUploadStreams streams;
    private readonly PageLockedArray1D<float>[] hostFrames;
    private readonly PageLockedArray1D<int>[] hostLabels;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>[] frames;
    private readonly MemoryBuffer1D<int, Stride1D.Dense>[] labels;
    private readonly int labelCapacity;
    private readonly long deviceBytes;
    private int inUse = -1;

    /// <summary>A ring of <paramref name="slots"/> slots for batches of up to <paramref name="frameCapacity"/> floats and <paramref name="labelCapacity"/> labels.</summary>
    public InputRing(Device device, long frameCapacity, int labelCapacity, int slots = 2)
        : this(device, frameCapacity, labelCapacity, slots, null)
    {
    }

    /// <summary>As the public constructor, with the queues given (tests order them on a simulated device).</summary>
    internal InputRing(Device device, long frameCapacity, int labelCapacity, int slots, IUploadStreams? streams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCapacity, 1);
        this.device = device;
        this.labelCapacity = labelCapacity;
        var accelerator = device.Accelerator;
        this.streams = streams ?? (accelerator is CudaAccelerator cuda ? new CudaUploadStreams(cuda, slots) : new InlineUploadStreams(accelerator));
        hostFrames = new PageLockedArray1D<float>[slots];
        hostLabels = new PageLockedArray1D<int>[slots];
        frames = new MemoryBuffer1D<float, Stride1D.Dense>[slots];
        labels = new MemoryBuffer1D<int, Stride1D.Dense>[slots];
        for (int i = 0; i < slots; i++)
        {
            hostFrames[i] = accelerator.AllocatePageLocked1D<float>(frameCapacity, uninitialized: true);
            hostLabels[i] = accelerator.AllocatePageLocked1D<int>(2L * labelCapacity, uninitialized: true);
            frames[i] = accelerator.Allocate1D<float>(frameCapacity);
            labels[i] = accelerator.Allocate1D<int>(2L * labelCapacity);
        }
        deviceBytes = slots * (frames[0].LengthInBytes + labels[0].LengthInBytes);
        device.TrackAllocation(deviceBytes);
    }

    /// <summary>Slots in the ring.</summary>
    public int Slots => frames.Length;

    /// <summary>Batches uploaded so far.</summary>
    public long Uploads { get; private set; }

    /// <summary>Whether the copies overlap the kernels (CUDA) or run in line with them.</summary>
    public bool Overlapped => streams.Overlapped;

    /// <summary>
    /// Uploads one batch for the step about to be enqueued (call after the arena's reset, before the step's first kernel):
    /// frames of <paramref name="shape"/>, labels and, for a CutMix batch, the partner labels (else empty). The views are
    /// valid for this step; the next call releases them.
    /// </summary>
    public InputBatch Upload(Shape shape, ReadOnlySpan<float> frameData, ReadOnlySpan<int> labelData, ReadOnlySpan<int> mixData = default)
    {
        int slot = (int)(Uploads % Slots);
        if (frameData.Length != shape.Length || frameData.Length > frames[slot].Length)
            throw new ArgumentException($"InputRing.Upload: {frameData.Length} frame values for shape {shape} in slots of {frames[slot].Length}.");
        if (labelData.Length > labelCapacity || mixData.Length > labelCapacity)
            throw new ArgumentException($"InputRing.Upload: {labelData.Length} labels and {mixData.Length} mix labels in slots of {labelCapacity}.");
        var frameView = frames[slot].View.SubView(0, frameData.Length);
        var labelView = labels[slot].View.SubView(0, labelData.Length);
        var mixView = labels[slot].View.SubView(labelCapacity, mixData.Length);
        if (!device.Arena.Planning)
        {
            if (inUse >= 0)
                streams.MarkReleased(inUse);
            streams.HostWaitCopied(slot);
            frameData.CopyTo(hostFrames[slot].Span);
            labelData.CopyTo(hostLabels[slot].Span);
            mixData.CopyTo(hostLabels[slot].Span[labelCapacity..]);
            streams.CopyWaitReleased(slot);
            streams.Copy(hostFrames[slot].ArrayView.SubView(0, frameData.Length), frameView);
            streams.Copy(hostLabels[slot].ArrayView.SubView(0, labelData.Length), labelView);
            if (mixData.Length > 0)
                streams.Copy(hostLabels[slot].ArrayView.SubView(labelCapacity, mixData.Length), mixView);
            streams.MarkCopied(slot);
            streams.ComputeWaitCopied(slot);
            inUse = slot;
            Uploads++;
        }
        return new InputBatch(Tensor.Over(device, shape, frameView), labelView, mixView);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        streams.Drain();
        streams.Dispose();
        for (int i = 0; i < Slots; i++)
        {
            hostFrames[i].Dispose();
            hostLabels[i].Dispose();
            frames[i].Dispose();
            labels[i].Dispose();
        }
        device.TrackAllocation(-deviceBytes);
    }
}
