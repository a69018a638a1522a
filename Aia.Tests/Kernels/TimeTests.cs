using Aia.Engine.Autodiff;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

public sealed class TimeTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    private static double[] MeanOverTime(double[] x, int steps)
    {
        int m = x.Length / steps;
        var y = new double[m];
        for (int t = 0; t < steps; t++)
        {
            for (int j = 0; j < m; j++) y[j] += x[t * m + j] / steps;
        }
        return y;
    }

    [TestCase(1, 1, 5, false)]
    [TestCase(10, 3, 7, true)]
    [TestCase(10, 3, 7, false)]
    [TestCase(4, 2, 1, true)]
    public void MeanOverTimeMatchesTheReferenceAndFiniteDifferences(int steps, int n, int k, bool fanOut)
    {
        var shape = new Shape(steps, n, k);
        var data = TestData.Uniform(steps + k, shape.Length);
        var x = Tensor.FromArray(D, shape, data);
        x.RequiresGrad = true;
        var y = Time.MeanOverTime(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(n, k)));
        var forward = GradCheck.Compare(y.ToArray(), MeanOverTime(TestData.ToDouble(data), steps), 1e-6, 1e-5);
        Assert.That(forward.Passed, forward.ToString());

        var r = TestData.Uniform(2, y.Length);
        var q = ProjectedLoss.FanOut(fanOut, 3, x.Length);
        D.Tape.Backward(ProjectedLoss.Device(x, y, r, q));
        var fd = GradCheck.Numeric(v => ProjectedLoss.Reference(v[0], MeanOverTime(v[0], steps), r, q), [TestData.ToDouble(data)])[0];
        var backward = GradCheck.Compare(x.Grad!.ToArray(), fd, 1e-6, 1e-5);
        Assert.That(backward.Passed, backward.ToString());
    }

    [Test]
    public void ATensorWithoutATimeAxisIsRejected() =>
        Assert.That(Assert.Throws<ArgumentException>(() => Time.MeanOverTime(Tensor.Empty(D, new Shape(6))))!.Message, Does.Contain("[6]"));
}
