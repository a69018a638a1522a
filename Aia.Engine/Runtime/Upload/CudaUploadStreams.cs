using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Aia.Engine.Runtime.Upload;

/// <summary>
/// The input ring's queues on CUDA: the copies run on a stream of their own (ILGPU's <c>CreateStream</c>, a
/// non-blocking stream, so nothing orders it against the legacy default stream the kernels run on), and two events per
/// slot order the two streams: <c>copied</c>, recorded on the copy stream after a slot's copies, and <c>released</c>,
/// recorded on the default stream after the last kernel that reads the slot. A stream waits for the other's event with
/// <c>cuStreamWaitEvent</c> (on the device, the host goes on), which ILGPU 1.5.3's <c>CudaAPI</c> does not bind: it is
/// resolved here from the driver library ILGPU loads. The events are ILGPU's (<c>CudaAPI.CreateEvent</c>, without
/// timing). The host blocks only in <see cref="HostWaitCopied"/>, before it refills a page-locked slot, and only until
/// that slot's previous copy has finished.
/// </summary>
public sealed unsafe class CudaUploadStreams : IUploadStreams
{
    private static readonly delegate* unmanaged<IntPtr, IntPtr, uint, CudaError> StreamWaitEvent = ResolveStreamWaitEvent();

    private readonly CudaAccelerator accelerator;
    private readonly CudaStream copy;
    private readonly IntPtr[] copied;
    private readonly IntPtr[] released;

    /// <summary>A copy stream and the events of <paramref name="slots"/> ring slots on <paramref name="accelerator"/>.</summary>
    public CudaUploadStreams(CudaAccelerator accelerator, int slots)
    {
        this.accelerator = accelerator;
        copy = (CudaStream)accelerator.CreateStream();
        copied = new IntPtr[slots];
        released = new IntPtr[slots];
        using var binding = accelerator.BindScoped();
        for (int i = 0; i < slots; i++)
        {
            CudaException.ThrowIfFailed(CudaAPI.CurrentAPI.CreateEvent(out copied[i], CudaEventFlags.CU_EVENT_DISABLE_TIMING));
            CudaException.ThrowIfFailed(CudaAPI.CurrentAPI.CreateEvent(out released[i], CudaEventFlags.CU_EVENT_DISABLE_TIMING));
        }
    }

    /// <inheritdoc/>
    public bool Overlapped => true;

    private static IntPtr Compute(Accelerator accelerator) => ((CudaStream)accelerator.DefaultStream).StreamPtr;

    /// <inheritdoc/>
    public void HostWaitCopied(int slot)
    {
        using var binding = accelerator.BindScoped();
        CudaException.ThrowIfFailed(CudaAPI.CurrentAPI.SynchronizeEvent(copied[slot]));
    }

    /// <inheritdoc/>
    public void CopyWaitReleased(int slot)
    {
        using var binding = accelerator.BindScoped();
        CudaException.ThrowIfFailed(StreamWaitEvent(copy.StreamPtr, released[slot], 0));
    }

    /// <inheritdoc/>
    public void Copy<T>(ArrayView<T> source, ArrayView<T> target) where T : unmanaged => target.CopyFrom(copy, source);

    /// <inheritdoc/>
    public void MarkCopied(int slot)
    {
        using var binding = accelerator.BindScoped();
        CudaException.ThrowIfFailed(CudaAPI.CurrentAPI.RecordEvent(copied[slot], copy.StreamPtr));
    }

    /// <inheritdoc/>
    public void ComputeWaitCopied(int slot)
    {
        using var binding = accelerator.BindScoped();
        CudaException.ThrowIfFailed(StreamWaitEvent(Compute(accelerator), copied[slot], 0));
    }

    /// <inheritdoc/>
    public void MarkReleased(int slot)
    {
        using var binding = accelerator.BindScoped();
        CudaException.ThrowIfFailed(CudaAPI.CurrentAPI.RecordEvent(released[slot], Compute(accelerator)));
    }

    /// <inheritdoc/>
    public void Drain() => accelerator.Synchronize();

    /// <inheritdoc/>
    public void Dispose()
    {
        Drain();
        using (var binding = accelerator.BindScoped())
        {
            foreach (var e in copied.Concat(released))
                CudaException.ThrowIfFailed(CudaAPI.CurrentAPI.DestroyEvent(e));
        }
        copy.Dispose();
    }

    /// <summary><c>cuStreamWaitEvent</c> from the CUDA driver (the library ILGPU binds as <c>cuda</c>, <c>nvcuda</c> on Windows).</summary>
    private static delegate* unmanaged<IntPtr, IntPtr, uint, CudaError> ResolveStreamWaitEvent()
    {
        string[] names = OperatingSystem.IsWindows() ? ["nvcuda"] : ["libcuda.so.1", "libcuda.so", "cuda"];
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, out var library) &&
                NativeLibrary.TryGetExport(library, "cuStreamWaitEvent", out var address))
                return (delegate* unmanaged<IntPtr, IntPtr, uint, CudaError>)address;
        }
        throw new DllNotFoundException("The CUDA driver library (libcuda.so.1 / nvcuda.dll) with cuStreamWaitEvent was not found.");
    }
}
