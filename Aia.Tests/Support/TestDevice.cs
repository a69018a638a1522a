using Aia.Engine.Runtime;
using NUnit.Framework;

namespace Aia.Tests.Support;

/// <summary>
/// The CPU accelerator every test runs on, created once for the assembly. Groups of 2 threads (and 2
/// multiprocessors) so the cooperative paths of the kernels (barriers, shared memory, per-group partials)
/// run with more than one thread and more than one group.
/// </summary>
[SetUpFixture]
public sealed class TestDevice
{
    private static Device? device;

    /// <summary>The shared test device.</summary>
    public static Device Cpu => device ??= Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: 2, cpuCores: 2);

    [OneTimeTearDown]
    public void DisposeDevice()
    {
        device?.Dispose();
        device = null;
    }
}
