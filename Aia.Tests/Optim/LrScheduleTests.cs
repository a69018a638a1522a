using Aia.Engine.Optim;
using NUnit.Framework;

namespace Aia.Tests.Optim;

public sealed class LrScheduleTests
{
    [Test]
    public void CosineFollowsCosineAnnealingLR()
    {
        var cosine = new CosineSchedule(1.0, 4, 0.0);
        // (1 + cos(pi t / 4)) / 2 for t = 0..4.
        double[] expected = [1.0, 0.8535533905932737, 0.5, 0.14644660940672627, 0.0];
        for (int t = 0; t <= 4; t++)
            Assert.That(cosine.At(t), Is.EqualTo(expected[t]).Within(1e-12), $"t = {t}");
        var withFloor = new CosineSchedule(1e-3, 100, 1e-5);
        Assert.That(withFloor.At(0), Is.EqualTo(1e-3).Within(1e-15));
        Assert.That(withFloor.At(50), Is.EqualTo((1e-3 + 1e-5) / 2).Within(1e-15));
        Assert.That(withFloor.At(100), Is.EqualTo(1e-5).Within(1e-15));
    }

    [Test]
    public void StepDecaysByGammaEveryStepSize()
    {
        var step = new StepSchedule(0.1, 3, 0.5);
        double[] expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025];
        for (int t = 0; t < expected.Length; t++)
            Assert.That(step.At(t), Is.EqualTo(expected[t]).Within(1e-15), $"t = {t}");
    }

    [Test]
    public void WarmupRampsLinearlyThenRunsTheScheduleFromItsStart()
    {
        var schedule = new CosineSchedule(1.0, 4).WithWarmup(4, startFactor: 0.2);
        double[] expected = [0.2, 0.4, 0.6, 0.8, 1.0, 0.8535533905932737, 0.5];
        for (int t = 0; t < expected.Length; t++)
            Assert.That(schedule.At(t), Is.EqualTo(expected[t]).Within(1e-12), $"t = {t}");
        var constant = new ConstantSchedule(3e-4);
        Assert.That(constant.WithWarmup(0), Is.SameAs(constant));
        Assert.That(constant.At(12345), Is.EqualTo(3e-4));
        Assert.Throws<ArgumentOutOfRangeException>(() => constant.WithWarmup(5, startFactor: 2));
    }
}
