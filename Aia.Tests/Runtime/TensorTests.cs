using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Runtime;

public sealed class TensorTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    [Test]
    public void UploadDownloadRoundTrips()
    {
        var data = TestData.Uniform(1, 2 * 3 * 5 * 7);
        var t = Tensor.FromArray(D, new Shape(2, 3, 5, 7), data);
        Assert.That(t.ToArray(), Is.EqualTo(data));
        Assert.That(t.Shape.ToString(), Is.EqualTo("[2, 3, 5, 7]"));
        Assert.That(t.Length, Is.EqualTo(210));
    }

    [Test]
    public void PersistentTensorsStartAtZeroAndSurviveArenaResets()
    {
        using var p = Tensor.Persistent(D, new Shape(4, 4), "w");
        Assert.That(p.ToArray(), Is.All.EqualTo(0f));
        p.CopyFrom(TestData.Uniform(2, 16));
        D.Arena.Reset();
        Assert.That(p.ToArray(), Is.EqualTo(TestData.Uniform(2, 16)));
        Assert.That(p.IsPersistent, Is.True);
    }

    [Test]
    public void ViewsShareStorageWithoutCopy()
    {
        var data = TestData.Uniform(3, 2 * 3 * 4);
        var t = Tensor.FromArray(D, new Shape(2, 3, 4), data);
        var v = t.ViewAs(new Shape(6, 4));
        Elementwise.Fill(D, v.View, 7f);
        Assert.That(t.ToArray(), Is.All.EqualTo(7f), "writing through the view changes the original");
        Assert.That(v.Shape, Is.EqualTo(new Shape(6, 4)));
    }

    [Test]
    public void WrongShapesAndSizesAreRejectedWithTheShapeInTheMessage()
    {
        var t = Tensor.Empty(D, new Shape(2, 3));
        var e = Assert.Throws<ArgumentException>(() => t.ViewAs(new Shape(4, 2)));
        Assert.That(e!.Message, Does.Contain("[2, 3]").And.Contain("[4, 2]"));
        Assert.Throws<ArgumentException>(() => t.CopyFrom(new float[5]));
        Assert.Throws<ArgumentException>(() => _ = new Shape(2, 0));
        Assert.Throws<ArgumentException>(() => Elementwise.Add(t, Tensor.Empty(D, new Shape(3, 2))));
    }

    [Test]
    public void StepTensorsCannotBeUsedAfterTheArenaIsReset()
    {
        var t = Tensor.Zeros(D, new Shape(8));
        D.Arena.Reset();
        var e = Assert.Throws<InvalidOperationException>(() => _ = t.View);
        Assert.That(e!.Message, Does.Contain("earlier step"));
    }

    [Test]
    public void SumMatchesReference([Values(1, 7, 1000, 100_003)] int n)
    {
        var data = TestData.Uniform(n, n);
        var s = Reduction.Sum(Tensor.FromArray(D, new Shape(n), data), 0.5f).ToArray()[0];
        double expected = 0.5 * data.Sum(v => (double)v);
        Assert.That(s, Is.EqualTo(expected).Within(1e-5 * n));
    }
}
