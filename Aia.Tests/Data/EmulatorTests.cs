using Aia.Engine.Data;
using NUnit.Framework;

namespace Aia.Tests.Data;

public sealed class EmulatorTests
{
    private static float[] Bar(int height, int width, int from, int to)
    {
        var image = new float[height * width];
        for (int y = 0; y < height; y++)
            for (int x = from; x < to; x++) image[y * width + x] = 1f;
        return image;
    }

    [Test]
    public void AStillImageEmitsNothingWithoutNoise()
    {
        var still = new EventEmulator(new EmulatorOptions { Path = [(3, 3), (3, 3), (3, 3)] });
        var image = Enumerable.Range(0, 28 * 28).Select(i => (i * 37 % 101) / 100f).ToArray();
        Assert.That(still.Emulate(image, 28, 28).Count, Is.Zero);
    }

    [Test]
    public void AMovingBrightBarFiresOnAtItsLeadingEdgeAndOffAtItsTrailingEdge()
    {
        // bar on columns [6, 14) moves 6 pixels right: columns [14, 20) brighten, [6, 12) darken
        var emulator = new EventEmulator(new EmulatorOptions { Sensor = new SensorSize(30, 10), Path = [(0, 0), (6, 0)] });
        var e = emulator.Emulate(Bar(10, 30, 6, 14), 10, 30);
        var on = Enumerable.Range(0, e.Count).Where(i => e.P[i] == 1).ToList();
        var off = Enumerable.Range(0, e.Count).Where(i => e.P[i] == 0).ToList();
        Assert.That(on, Is.Not.Empty);
        Assert.That(off, Is.Not.Empty);
        Assert.That(on.Select(i => (int)e.X[i]), Is.All.InRange(14, 19), "ON only where the bar arrives");
        Assert.That(off.Select(i => (int)e.X[i]), Is.All.InRange(6, 11), "OFF only where the bar leaves");
        Assert.That(on.Count, Is.EqualTo(off.Count), "the same contrast appears and disappears");

        // the leading edge reaches column 15 before column 19
        double First(int column) => on.Where(i => e.X[i] == column).Min(i => e.T[i]);
        Assert.That(First(15), Is.LessThan(First(17)));
        Assert.That(First(17), Is.LessThan(First(19)));
        Assert.That(e.T, Is.Ordered, "events are time-sorted");
        Assert.That(e.T[^1], Is.LessThanOrEqualTo(100_000));
    }

    [Test]
    public void EventsPerPixelFollowTheLogContrastOverTheThreshold()
    {
        // a pixel going from black to white crosses ln((eps + 1) / eps) / C thresholds
        var o = new EmulatorOptions { Sensor = new SensorSize(30, 10), Path = [(0, 0), (6, 0)], Threshold = 0.3, LogEpsilon = 0.1 };
        var e = new EventEmulator(o).Emulate(Bar(10, 30, 6, 14), 10, 30);
        int expected = (int)Math.Floor(Math.Log(1.1 / 0.1) / 0.3);
        var perPixel = Enumerable.Range(0, e.Count).Where(i => e.P[i] == 1 && e.X[i] == 16 && e.Y[i] == 5).Count();
        Assert.That(perPixel, Is.EqualTo(expected));
    }

    [Test]
    public void NoiseAddsEventsAtAboutTheRequestedRate()
    {
        var o = new EmulatorOptions { Path = [(0, 0), (0, 0), (0, 0), (0, 0)], NoiseRateHz = 20, Seed = 3 };
        var e = new EventEmulator(o).Emulate(new float[28 * 28], 28, 28);
        double expected = 20 * 34 * 34 * 0.3;                                       // 6936 over 300 ms
        Assert.That(e.Count, Is.EqualTo(expected).Within(5).Percent);
        Assert.That((double)e.OnCount / e.Count, Is.EqualTo(0.5).Within(0.03));
        Assert.That(e.T, Is.Ordered);
        Assert.That(e.T.Max(), Is.LessThan(300_000));
    }

    [Test]
    public void DeterministicUnderASeedAndDifferentAcrossSamples()
    {
        var o = new EmulatorOptions { NoiseRateHz = 5, Seed = 11 };
        var image = Bar(28, 28, 10, 18);
        var a = new EventEmulator(o).Emulate(image, 28, 28, sample: 4);
        var b = new EventEmulator(o).Emulate(image, 28, 28, sample: 4);
        var c = new EventEmulator(o).Emulate(image, 28, 28, sample: 5);
        Assert.That(EventFiles.List(a), Is.EqualTo(EventFiles.List(b)));
        Assert.That(EventFiles.List(a), Is.Not.EqualTo(EventFiles.List(c)));
    }

    [Test]
    public void RefractoryPeriodSpacesEventsOfAPixel()
    {
        var fast = new EmulatorOptions { Sensor = new SensorSize(30, 10), Path = [(0, 0), (6, 0)], LegMicroseconds = 20_000, Threshold = 0.1 };
        var free = new EventEmulator(fast).Emulate(Bar(10, 30, 6, 14), 10, 30);
        var slow = new EventEmulator(fast with { RefractoryMicroseconds = 2_000 }).Emulate(Bar(10, 30, 6, 14), 10, 30);
        Assert.That(slow.Count, Is.LessThan(free.Count));
        Assert.That(slow.Count, Is.GreaterThan(0));
        foreach (var pixel in Enumerable.Range(0, slow.Count).GroupBy(i => (slow.X[i], slow.Y[i])))
        {
            var times = pixel.Select(i => slow.T[i]).ToArray();
            for (int k = 1; k < times.Length; k++) Assert.That(times[k] - times[k - 1], Is.GreaterThanOrEqualTo(1_999));
        }
    }

    [Test]
    public void DefaultSaccadesKeepA28PixelImageOnThe34PixelSensor()
    {
        var e = new EventEmulator(new EmulatorOptions()).Emulate(Bar(28, 28, 0, 28), 28, 28);
        Assert.That(e.Sensor, Is.EqualTo(new SensorSize(34, 34)));
        Assert.That(e.Count, Is.GreaterThan(1000));
        Assert.That(e.T[^1], Is.LessThanOrEqualTo(300_000));
        Assert.That(new EventEmulator(new EmulatorOptions()).Options.DurationMicroseconds, Is.EqualTo(300_000));
        Assert.Throws<ArgumentException>(() => new EventEmulator(new EmulatorOptions { Threshold = 0 }));
    }
}
