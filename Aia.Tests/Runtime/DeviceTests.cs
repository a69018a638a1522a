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

    [Test]
    public void KernelTimesRecordEveryLaunchWhileSetAndNothingOtherwise()
    {
        using var d = Device.Create(DeviceKind.Cpu, cpuCores: 1); // its own device: nothing else launches on it
        var y = Tensor.Empty(d, new Shape(1000));
        d.KernelTimes = [];
        Aia.Engine.Ops.Elementwise.Fill(d, y.View, 2f);
        Aia.Engine.Ops.Elementwise.Fill(d, y.View, 3f);
        var times = d.KernelTimes;
        d.KernelTimes = null;
        Aia.Engine.Ops.Elementwise.Fill(d, y.View, 4f);
        Assert.That(times.Keys, Is.EqualTo(new[] { "ElementwiseKernels.Fill" }));
        Assert.That(times["ElementwiseKernels.Fill"].Launches, Is.EqualTo(2));
        Assert.That(times["ElementwiseKernels.Fill"].Milliseconds, Is.GreaterThan(0));
        Assert.That(y.ToArray(), Is.All.EqualTo(4f), "the launches still run");
    }
}
