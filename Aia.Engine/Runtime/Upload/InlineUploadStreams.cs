using ILGPU;
using ILGPU.Runtime;

namespace Aia.Engine.Runtime.Upload;

/// <summary>
/// The input ring's queues where there is no separate copy engine to overlap with (the CPU accelerator, OpenCL): each
/// copy runs at once, in order with the kernels, and has finished when <see cref="Copy{T}"/> returns (on OpenCL the
/// default stream is synchronised after it, as the plain upload does), so every wait and mark is already satisfied.
/// </summary>
public sealed class InlineUploadStreams(Accelerator accelerator) : IUploadStreams
{
    /// <inheritdoc/>
    public bool Overlapped => false;

    /// <inheritdoc/>
    public void HostWaitCopied(int slot)
    {
    }

    /// <inheritdoc/>
    public void CopyWaitReleased(int slot)
    {
    }

    /// <inheritdoc/>
    public void Copy<T>(ArrayView<T> source, ArrayView<T> target) where T : unmanaged
    {
        var stream = accelerator.DefaultStream;
        target.CopyFrom(stream, source);
        if (accelerator.AcceleratorType != AcceleratorType.CPU)
            stream.Synchronize();
    }

    /// <inheritdoc/>
    public void MarkCopied(int slot)
    {
    }

    /// <inheritdoc/>
    public void ComputeWaitCopied(int slot)
    {
    }

    /// <inheritdoc/>
    public void MarkReleased(int slot)
    {
    }

    /// <inheritdoc/>
    public void Drain() => accelerator.Synchronize();

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
