using Aia.Engine.Runtime;
using NUnit.Framework;

namespace Aia.Tests.Support;

/// <summary>
/// The CPU accelerator every test runs on, created once for the assembly. Groups of 2 threads (and 2
/// multiprocessors) so the cooperative paths of the kernels (barriers, shared memory, per-group partials)
/// run with more than one thread and more than one group. <see cref="WithGroupSize"/> gives devices with other
/// group sizes: 1 (the production CPU device) and larger ones, whose threads share tiles the way GPU groups do.
/// </summary>
[SetUpFixture]
public sealed class TestDevice
{
    private static readonly Dictionary<int, Device> Sized = [];
    private static readonly Dictionary<(int, Precision), Device> GpuShapedDevices = [];
    private static Device? device;

    /// <summary>The shared test device.</summary>
    public static Device Cpu => device ??= Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: 2, cpuCores: 2);

    /// <summary>A CPU device with groups of <paramref name="groupSize"/> threads and 2 multiprocessors, created once; its arena reset.</summary>
    public static Device WithGroupSize(int groupSize)
    {
        lock (Sized)
        {
            if (!Sized.TryGetValue(groupSize, out var d))
                Sized[groupSize] = d = Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: groupSize, cpuCores: 2);
            d.Arena.Reset();
            return d;
        }
    }

    /// <summary>
    /// The CPU accelerator shaped like a GPU (<see cref="Device.CreateGpuShaped"/>: warps of 32, groups of
    /// <paramref name="groupSize"/>, 2 multiprocessors, every launch planned as on CUDA), created once; its arena reset.
    /// </summary>
    public static Device GpuShaped(int groupSize, Precision precision = Precision.Fp32)
    {
        lock (GpuShapedDevices)
        {
            if (!GpuShapedDevices.TryGetValue((groupSize, precision), out var d))
                GpuShapedDevices[(groupSize, precision)] = d = Device.CreateGpuShaped(groupSize, precision: precision);
            d.Arena.Reset();
            return d;
        }
    }

    [OneTimeTearDown]
    public void DisposeDevice()
    {
        device?.Dispose();
        device = null;
        foreach (var d in Sized.Values.Concat(GpuShapedDevices.Values))
            d.Dispose();
        Sized.Clear();
        GpuShapedDevices.Clear();
    }
}
