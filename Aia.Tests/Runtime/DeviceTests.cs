using Aia.Engine.Runtime;
using ILGPU;
using ILGPU.Runtime.Cuda;
using NUnit.Framework;

namespace Aia.Tests.Runtime;

public sealed class DeviceTests
{
    [Test]
    public void AutoPicksCudaWhenPresentAndTheCpuOtherwise()
    {
        int cudaDevices;
        using (var probe = Context.Create(b => b.Cuda()))
            cudaDevices = probe.GetCudaDevices().Count;
        using var d = Device.Create(DeviceKind.Auto);
        Assert.That(d.Kind, Is.EqualTo(cudaDevices > 0 ? DeviceKind.Cuda : DeviceKind.Cpu));
    }

    [Test]
    public void AnExplicitKindThatIsAbsentFailsWithAMessageNamingTheFallback()
    {
        using (var probe = Context.Create(b => b.Cuda()))
        {
            if (probe.GetCudaDevices().Count > 0)
                Assert.Ignore("This machine has a CUDA device.");
        }
        var e = Assert.Throws<DeviceUnavailableException>(() => Device.Create(DeviceKind.Cuda));
        Assert.That(e!.Message, Does.Contain("CUDA").And.Contain("--device cpu"));
    }

    [Test]
    public void CpuDeviceUsesTheRequestedGroupsForGridStrideLaunches()
    {
        using var d = Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: 2, cpuCores: 3);
        var config = d.GridStride(1_000_000);
        Assert.That(config.GroupDim.X, Is.EqualTo(2));
        Assert.That(config.GridDim.X, Is.EqualTo(3));
        Assert.That(d.GridStride(3).GridDim.X, Is.EqualTo(2), "never more groups than the work needs");
        Assert.Throws<ArgumentOutOfRangeException>(() => Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: 3));
    }
}
