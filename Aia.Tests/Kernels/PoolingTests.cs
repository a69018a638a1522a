using Aia.Engine.Autodiff;
using Aia.Engine.Nn;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

public sealed class PoolingTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    private delegate double[] Reference(double[] x, int planes, int h, int w, int kernel, int stride);

    // Batch 1 and > 1, odd sizes (the last row or column is dropped), overlapping windows (kernel > stride), kernel 1,
    // 2 x 2 windows over rows of whole quads (quads on the CPU accelerator; the last row dropped).
    private static readonly object[] Geometries =
    [
        new[] { 2, 3, 7, 16, 2, 2 },
        new[] { 1, 1, 7, 9, 2, 2 },
        new[] { 3, 2, 8, 8, 2, 2 },
        new[] { 2, 3, 7, 6, 3, 2 },
        new[] { 2, 1, 5, 5, 3, 1 },
        new[] { 1, 2, 4, 5, 1, 1 },
        new[] { 2, 2, 9, 7, 2, 3 },
    ];

    // Every geometry with the backward overwriting the gradient and adding to one already written (fan-out).
    private static IEnumerable<TestCaseData> Cases() =>
        Geometries.Cast<int[]>().SelectMany(g => new[] { false, true }.Select(fanOut =>
            new TestCaseData(g, fanOut).SetArgDisplayNames(string.Join("x", g), fanOut ? "fan-out" : "single use")));

    [TestCaseSource(nameof(Cases))]
    public void AvgPoolMatchesTheReferenceAndFiniteDifferences(int[] g, bool fanOut) =>
        Check(g, fanOut, (x, k, s) => Pooling.AvgPool2d(x, k, s), PoolingReference.Average);

    [TestCaseSource(nameof(Cases))]
    public void MaxPoolMatchesTheReferenceAndFiniteDifferences(int[] g, bool fanOut) =>
        Check(g, fanOut, (x, k, s) => Pooling.MaxPool2d(x, k, s), PoolingReference.Max);

    [Test]
    public void AnyGroupSizeMatchesTheReference([Values(1, 8)] int groupSize, [Values] bool fanOut,
        [Values(new[] { 2, 3, 7, 16, 2, 2 }, new[] { 2, 3, 7, 6, 3, 2 }, new[] { 1, 2, 9, 9, 2, 2 })] int[] g)
    {
        var d = TestDevice.WithGroupSize(groupSize);
        Check(g, fanOut, (x, k, s) => Pooling.AvgPool2d(x, k, s), PoolingReference.Average, d);
        Check(g, fanOut, (x, k, s) => Pooling.MaxPool2d(x, k, s), PoolingReference.Max, d);
    }

    private static void Check(int[] g, bool fanOut, Func<Tensor, int, int, Tensor> op, Reference reference, Device? device = null)
    {
        var d = device ?? D;
        d.Arena.Reset();
        int n = g[0], c = g[1], h = g[2], w = g[3], k = g[4], s = g[5];
        var shape = new Shape(n, c, h, w);
        var data = TestData.Uniform(h * 10 + w, shape.Length);
        var x = Tensor.FromArray(d, shape, data);
        x.RequiresGrad = true;
        var y = op(x, k, s);
        int oh = PoolingReference.OutputSize(h, k, s), ow = PoolingReference.OutputSize(w, k, s);
        Assert.That(y.Shape, Is.EqualTo(new Shape(n, c, oh, ow)));
        var forward = GradCheck.Compare(y.ToArray(), reference(TestData.ToDouble(data), n * c, h, w, k, s), 1e-6, 1e-5);
        Assert.That(forward.Passed, "forward " + forward);

        var r = TestData.Uniform(3, y.Length);
        var q = ProjectedLoss.FanOut(fanOut, 4, x.Length);
        d.Tape.Backward(ProjectedLoss.Device(x, y, r, q));
        var expected = GradCheck.Numeric(v => ProjectedLoss.Reference(v[0], reference(v[0], n * c, h, w, k, s), r, q),
            [TestData.ToDouble(data)])[0];
        var backward = GradCheck.Compare(x.Grad!.ToArray(), expected, 1e-5, 1e-4);
        Assert.That(backward.Passed, "backward " + backward);
    }

    [Test]
    public void ReferenceBackwardsMatchFiniteDifferences()
    {
        var x = TestData.ToDouble(TestData.Uniform(7, 2 * 7 * 6));
        var dy = TestData.ToDouble(TestData.Uniform(8, 2 * 3 * 2));
        double Project(double[] y) => y.Select((v, i) => v * dy[i]).Sum();
        var avg = GradCheck.Numeric(v => Project(PoolingReference.Average(v[0], 2, 7, 6, 3, 2)), [x])[0];
        var max = GradCheck.Numeric(v => Project(PoolingReference.Max(v[0], 2, 7, 6, 3, 2)), [x])[0];
        var ca = GradCheck.Compare(Array.ConvertAll(PoolingReference.AverageBackward(dy, 2, 7, 6, 3, 2), v => (float)v), avg, 1e-6, 1e-5);
        var cm = GradCheck.Compare(Array.ConvertAll(PoolingReference.MaxBackward(x, dy, 2, 7, 6, 3, 2), v => (float)v), max, 1e-6, 1e-5);
        Assert.That(ca.Passed, ca.ToString());
        Assert.That(cm.Passed, cm.ToString());
    }

    [Test]
    public void MaxPoolSendsTheGradientOfATieToTheFirstMaximumOnly()
    {
        var x = Tensor.FromArray(D, new Shape(1, 1, 2, 2), [3f, 3f, 1f, 3f]);
        x.RequiresGrad = true;
        var y = Pooling.MaxPool2d(x, 2);
        D.Tape.Backward(y);
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 3f }));
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 1f, 0f, 0f, 0f }));
    }

    [Test]
    public void ModulesPoolTimeMajorActivationsPlaneByPlane()
    {
        var shape = new Shape(3, 2, 2, 6, 6);
        var data = TestData.Uniform(9, shape.Length);
        var x = Tensor.FromArray(D, shape, data);
        foreach (var (module, reference) in new (Module, Reference)[] { (new AvgPool2d(2), PoolingReference.Average), (new MaxPool2d(2), PoolingReference.Max) })
        {
            var y = module.Forward(x);
            Assert.That(y.Shape, Is.EqualTo(new Shape(3, 2, 2, 3, 3)));
            var c = GradCheck.Compare(y.ToArray(), reference(TestData.ToDouble(data), 12, 6, 6, 2, 2), 1e-6, 1e-5);
            Assert.That(c.Passed, module.GetType().Name + " " + c);
        }
    }

    [Test]
    public void BadShapesAreRejectedWithTheShapeInTheMessage()
    {
        var flat = Tensor.Empty(D, new Shape(4, 5));
        var small = Tensor.Empty(D, new Shape(1, 1, 3, 3));
        Assert.That(Assert.Throws<ArgumentException>(() => new AvgPool2d(2).Forward(flat))!.Message, Does.Contain("[4, 5]"));
        Assert.That(Assert.Throws<ArgumentException>(() => Pooling.MaxPool2d(small, 4))!.Message, Does.Contain("[1, 1, 3, 3]"));
        Assert.Throws<ArgumentException>(() => Pooling.AvgPool2d(small, 2, 0));
    }
}
