using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Runtime;

public sealed class MemoryArenaTests
{
    [Test]
    public void AHundredStepsOfASmallGraphAllocateNothingAfterTheFirst()
    {
        using var d = Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: 2, cpuCores: 2);
        var shape = new Shape(512, 512);
        using var w = Tensor.Persistent(d, shape, "w");
        w.CopyFrom(TestData.Uniform(1, shape.Length));
        w.RequiresGrad = true;
        var x = TestData.Uniform(2, shape.Length);
        int allocationsAfterFirst = 0;
        long capacityAfterSecond = 0;
        for (int step = 0; step < 100; step++)
        {
            d.Arena.Reset();
            // A graph big enough to spill past the first 16 MiB chunk on step 0.
            var input = Tensor.FromArray(d, shape, x);
            var h = Elementwise.Multiply(input, w);
            for (int k = 0; k < 5; k++)
                h = Elementwise.Tanh(Elementwise.Add(h, input));
            var loss = Reduction.Mean(Elementwise.Multiply(h, h));
            w.ZeroGrad();
            d.Tape.Backward(loss);
            if (step == 0) allocationsAfterFirst = d.Arena.DeviceAllocations;
            if (step == 1) capacityAfterSecond = d.Arena.CapacityBytes;
            if (step >= 2)
                Assert.That(d.Arena.CapacityBytes, Is.EqualTo(capacityAfterSecond), $"step {step}");
        }
        Assert.That(allocationsAfterFirst, Is.GreaterThan(1), "the first step should have spilled into a second chunk");
        Assert.That(d.Arena.DeviceAllocations, Is.EqualTo(allocationsAfterFirst + 1),
            "one consolidating allocation after step 0, none after");
        Assert.That(d.PeakBytes, Is.GreaterThanOrEqualTo(d.Arena.CapacityBytes));
    }

    [Test]
    public void AllocationsAreAlignedAndDisjoint()
    {
        using var d = Device.Create(DeviceKind.Cpu, cpuThreadsPerGroup: 2, cpuCores: 2);
        var a = Tensor.Empty(d, new Shape(3));
        var b = Tensor.Empty(d, new Shape(5));
        Elementwise.Fill(d, a.View, 1f);
        Elementwise.Fill(d, b.View, 2f);
        Assert.That(a.ToArray(), Is.All.EqualTo(1f));
        Assert.That(b.ToArray(), Is.All.EqualTo(2f));
        var bytes = d.Arena.Allocate<byte>(3);
        var ints = d.Arena.Allocate<int>(3);
        Assert.That(bytes.Length, Is.EqualTo(3));
        Assert.That(ints.Length, Is.EqualTo(3));
    }
}
