using Aia.Engine.Data;
using NUnit.Framework;

namespace Aia.Tests.Data;

public sealed class FramingTests
{
    // sensor 3 wide, 2 high; (x, y, t, p)
    private static readonly Events Example = Make(new SensorSize(3, 2),
        new(0, 0, 0, 1), new(1, 0, 10, 0), new(2, 1, 20, 1), new(0, 0, 30, 1), new(1, 1, 40, 0), new(0, 0, 100, 1), new(2, 0, 101, 0));

    internal static Events Make(SensorSize sensor, params Ev[] events) => new(sensor,
        events.Select(e => (ushort)e.X).ToArray(), events.Select(e => (ushort)e.Y).ToArray(),
        events.Select(e => e.T).ToArray(), events.Select(e => (byte)e.P).ToArray());

    /// <summary>Frames [3, 2, 2, 3] with the listed (frame, polarity, y, x) = count entries.</summary>
    private static float[] Expected(params (int F, int P, int Y, int X, float Count)[] entries)
    {
        var f = new float[3 * 2 * 2 * 3];
        foreach (var (fr, p, y, x, c) in entries) f[((fr * 2 + p) * 2 + y) * 3 + x] = c;
        return f;
    }

    [Test]
    public void ByCountPutsFloorNOverTEventsPerFrameAndTheRestInTheLast()
    {
        // N = 7, T = 3: events [0, 2), [2, 4), [4, 7)
        var frames = Framing.Integrate(Example, 3, FrameSplit.ByCount);
        Assert.That(frames, Is.EqualTo(Expected(
            (0, 1, 0, 0, 1), (0, 0, 0, 1, 1),
            (1, 1, 1, 2, 1), (1, 1, 0, 0, 1),
            (2, 0, 1, 1, 1), (2, 1, 0, 0, 1), (2, 0, 0, 2, 1))));
    }

    [Test]
    public void ByTimeUsesEqualIntegerDurationsFromTheFirstTimestamp()
    {
        // dt = floor(101 / 3) = 33: t in [0, 33), [33, 66), the rest
        var frames = Framing.Integrate(Example, 3, FrameSplit.ByTime);
        Assert.That(frames, Is.EqualTo(Expected(
            (0, 1, 0, 0, 2), (0, 0, 0, 1, 1), (0, 1, 1, 2, 1),
            (1, 0, 1, 1, 1),
            (2, 1, 0, 0, 1), (2, 0, 0, 2, 1))));
    }

    [Test]
    public void DegenerateInputsGoToTheLastFrameAndEmptyGivesZeros()
    {
        var two = Make(new SensorSize(3, 2), new(0, 0, 5, 1), new(1, 1, 5, 0));
        Assert.That(Framing.Integrate(two, 3, FrameSplit.ByCount), Is.EqualTo(Expected((2, 1, 0, 0, 1), (2, 0, 1, 1, 1))));
        Assert.That(Framing.Integrate(two, 3, FrameSplit.ByTime), Is.EqualTo(Expected((2, 1, 0, 0, 1), (2, 0, 1, 1, 1))));
        Assert.That(Framing.Integrate(Make(new SensorSize(3, 2)), 3, FrameSplit.ByTime), Is.All.EqualTo(0f));
        Assert.Throws<ArgumentException>(() => Framing.Integrate(Example, 0, FrameSplit.ByCount));
    }

    [Test]
    public void EveryEventIsCountedOnceOnRandomStreams([Values(FrameSplit.ByCount, FrameSplit.ByTime)] FrameSplit split)
    {
        var r = new Random(5);
        var ev = Enumerable.Range(0, 5000).Select(i => new Ev(r.Next(17), r.Next(9), i * 7 + r.Next(3), r.Next(2))).ToArray();
        var frames = Framing.Integrate(Make(new SensorSize(17, 9), ev), 7, split);
        Assert.That(frames.Sum(), Is.EqualTo(5000f));
        int plane = 17 * 9;
        float on = Enumerable.Range(0, 7).Sum(t => frames.Skip((2 * t + 1) * plane).Take(plane).Sum());
        Assert.That(on, Is.EqualTo(ev.Count(e => e.P == 1)));
    }

    [Test]
    public void NormalizationsDoWhatTheySay()
    {
        float[] v = [0, 1, 3, 6];
        var clamp = (float[])v.Clone();
        Normalization.Apply(clamp, FrameNormalization.Clamp, 2f);
        Assert.That(clamp, Is.EqualTo(new float[] { 0, 1, 2, 2 }));
        var log = (float[])v.Clone();
        Normalization.Apply(log, FrameNormalization.Log);
        Assert.That(log, Is.EqualTo(v.Select(x => MathF.Log(1 + x)).ToArray()).Within(1e-6f));
        var scale = (float[])v.Clone();
        Normalization.Apply(scale, FrameNormalization.Scale);
        Assert.That(scale, Is.EqualTo(new float[] { 0, 1 / 6f, 0.5f, 1 }).Within(1e-6f));
        var zeros = new float[3];
        Normalization.Apply(zeros, FrameNormalization.Scale);
        Assert.That(zeros, Is.All.EqualTo(0f));
    }

    [Test]
    public void NearestPicksFloorOfScaledIndex()
    {
        var src = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();       // 4x4: value = 4y + x
        Assert.That(Resize.Planes(src, 1, 4, 4, 2, 2, ResizeMode.Nearest), Is.EqualTo(new float[] { 0, 2, 8, 10 }));
        Assert.That(Resize.Planes(src, 1, 4, 4, 3, 3, ResizeMode.Nearest), Is.EqualTo(new float[] { 0, 1, 2, 4, 5, 6, 8, 9, 10 }));
    }

    [Test]
    public void BilinearMatchesAlignCornersFalse()
    {
        var src = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        // halving: source coordinates 0.5 and 2.5, i.e. the mean of each 2x2 block
        Assert.That(Resize.Planes(src, 1, 4, 4, 2, 2, ResizeMode.Bilinear), Is.EqualTo(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }));
        // doubling [0, 4]: source coordinates -0.25 (clamped to 0), 0.25, 0.75, 1.25 (edge)
        Assert.That(Resize.Planes([0f, 4f], 1, 1, 2, 1, 4, ResizeMode.Bilinear), Is.EqualTo(new float[] { 0, 1, 3, 4 }));
    }

    [Test]
    public void ResizeTreatsPlanesIndependentlyAndCopiesSameSize()
    {
        var src = new float[2 * 2 * 2];
        src[3] = 8;                                                                // plane 0, (1, 1)
        var up = Resize.Planes(src, 2, 2, 2, 4, 4, ResizeMode.Nearest);
        Assert.That(up.Take(16).Count(v => v == 8), Is.EqualTo(4));
        Assert.That(up.Skip(16), Is.All.EqualTo(0f));
        Assert.That(Resize.Planes(src, 2, 2, 2, 2, 2, ResizeMode.Bilinear), Is.EqualTo(src));
        Assert.Throws<ArgumentException>(() => Resize.Planes(src, 3, 2, 2, 4, 4, ResizeMode.Nearest));
    }

    [Test]
    public void FrameSettingsRenderFramesThenResizesThenNormalizes()
    {
        var settings = new FrameSettings { Frames = 3, Split = FrameSplit.ByCount, Height = 4, Width = 6, Resize = ResizeMode.Nearest, Normalization = FrameNormalization.Clamp, ClampMax = 1 };
        var output = new float[settings.SampleLength];
        settings.Render(Example, output);
        var expected = Resize.Planes(Framing.Integrate(Example, 3, FrameSplit.ByCount), 6, 2, 3, 4, 6, ResizeMode.Nearest);
        Normalization.Apply(expected, FrameNormalization.Clamp, 1);
        Assert.That(output, Is.EqualTo(expected));
        Assert.That(output.Sum(), Is.EqualTo(7 * 4), "each event covers 2x2 pixels after doubling");
    }
}
