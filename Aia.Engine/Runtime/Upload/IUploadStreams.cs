using ILGPU;

namespace Aia.Engine.Runtime.Upload;

/// <summary>
/// The two queues an <see cref="InputRing"/> orders and the marks between them, per ring slot: the compute queue (the
/// accelerator's default stream, where the training step's kernels run) and a copy queue. The semantics are CUDA's
/// (streams, events, <c>cuStreamWaitEvent</c>): a wait applies to the most recent mark of the slot made before the
/// wait was enqueued, and a wait on a mark never made does not wait. <see cref="CudaUploadStreams"/> is that;
/// <see cref="InlineUploadStreams"/> copies at once on the compute queue (the CPU accelerator, OpenCL), where every
/// wait is already satisfied.
/// </summary>
public interface IUploadStreams : IDisposable
{
    /// <summary>Whether copies run on a queue of their own, overlapped with the compute queue.</summary>
    bool Overlapped { get; }

    /// <summary>Host: blocks until the last copy out of host slot <paramref name="slot"/> (<see cref="MarkCopied"/>) has finished.</summary>
    void HostWaitCopied(int slot);

    /// <summary>Copy queue: waits until the compute queue has passed the last <see cref="MarkReleased"/> of <paramref name="slot"/>.</summary>
    void CopyWaitReleased(int slot);

    /// <summary>Copy queue: copies <paramref name="source"/> (page-locked host memory) to <paramref name="target"/> (device memory).</summary>
    void Copy<T>(ArrayView<T> source, ArrayView<T> target) where T : unmanaged;

    /// <summary>Copy queue: marks the copies of <paramref name="slot"/> enqueued so far.</summary>
    void MarkCopied(int slot);

    /// <summary>Compute queue: waits until the copy queue has passed the last <see cref="MarkCopied"/> of <paramref name="slot"/>.</summary>
    void ComputeWaitCopied(int slot);

    /// <summary>Compute queue: marks the work enqueued so far, the last that reads device slot <paramref name="slot"/>.</summary>
    void MarkReleased(int slot);

    /// <summary>Host: blocks until both queues have finished everything enqueued (before the ring frees its memory).</summary>
    void Drain();
}
