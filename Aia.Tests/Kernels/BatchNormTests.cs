using Aia.Engine.Autodiff;
using Aia.Engine.Nn;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

public sealed class BatchNormTests
{
    private const float Eps = 1e-5f;
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    // [B, C, S]: several chunks per channel, batch 1, spatial 1 (after a linear layer), spatial smaller than a group step,
    // spatial a multiple of 4 (quads on the CPU accelerator).
    private static readonly object[] Shapes =
    [
        new[] { 2, 3, 35 },
        new[] { 3, 2, 16 },
        new[] { 1, 4, 9 },
        new[] { 7, 2, 1 },
        new[] { 4, 2, 3 },
        new[] { 3, 1, 50 },
    ];

    /// <summary>Parameters and buffers of one normalisation, persistent like a module's.</summary>
    private sealed class Parameters : IDisposable
    {
        private readonly Device device;

        public Parameters(int channels, int seed, Device? device = null)
        {
            this.device = device ?? D;
            Gamma = TestData.Uniform(seed, channels, 0.5f, 1.5f);
            Beta = TestData.Uniform(seed + 1, channels);
            Weight = Upload(Gamma, "weight", true);
            Bias = Upload(Beta, "bias", true);
            RunningMean = Upload(new float[channels], "running_mean", false);
            RunningVar = Upload(Enumerable.Repeat(1f, channels).ToArray(), "running_var", false);
        }

        public float[] Gamma { get; }
        public float[] Beta { get; }
        public Tensor Weight { get; }
        public Tensor Bias { get; }
        public Tensor RunningMean { get; }
        public Tensor RunningVar { get; }

        public Tensor Apply(Tensor x, bool training) =>
            Normalization.BatchNorm(x, Weight, Bias, RunningMean, RunningVar, training, 0.1f, Eps);

        private Tensor Upload(float[] data, string name, bool learnable)
        {
            var t = Tensor.Persistent(device, new Shape(data.Length), name);
            t.CopyFrom(data);
            t.RequiresGrad = learnable;
            return t;
        }

        public void Dispose()
        {
            foreach (var t in new[] { Weight, Bias, RunningMean, RunningVar }) t.Dispose();
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void TrainingForwardMatchesTheReferenceAndIsRepeatable(int[] s)
    {
        using var p = new Parameters(s[1], 11);
        var data = TestData.Uniform(s[0] + s[2], s[0] * s[1] * s[2], -2f, 3f);
        var x = Tensor.FromArray(D, new Shape(s), data);
        var y = p.Apply(x, training: true).ToArray();
        var expected = BatchNormReference.Training(TestData.ToDouble(data), s[0], s[1], s[2], TestData.ToDouble(p.Gamma),
            TestData.ToDouble(p.Beta), Eps);
        var c = GradCheck.Compare(y, expected, 1e-5, 1e-4);
        Assert.That(c.Passed, c.ToString());
        Assert.That(p.Apply(x, training: true).ToArray(), Is.EqualTo(y), "bit-for-bit repeatable");
    }

    [Test]
    public void TheVarianceOfDataFarFromZeroIsAccurate()
    {
        using var p = new Parameters(2, 12);
        var data = TestData.Uniform(13, 6 * 2 * 40, 999f, 1001f);
        var x = Tensor.FromArray(D, new Shape(6, 2, 40), data);
        var y = p.Apply(x, training: true).ToArray();
        var expected = BatchNormReference.Training(TestData.ToDouble(data), 6, 2, 40, TestData.ToDouble(p.Gamma), TestData.ToDouble(p.Beta), Eps);
        var c = GradCheck.Compare(y, expected, 1e-3, 1e-3);
        Assert.That(c.Passed, c.ToString());
    }

    [TestCaseSource(nameof(Shapes))]
    public void RunningStatisticsFollowPyTorchsUpdate(int[] s)
    {
        using var p = new Parameters(s[1], 14);
        var runningMean = new double[s[1]];
        var runningVar = Enumerable.Repeat(1.0, s[1]).ToArray();
        for (int step = 0; step < 3; step++)
        {
            var data = TestData.Uniform(20 + step, s[0] * s[1] * s[2], -1f, 2f + step);
            p.Apply(Tensor.FromArray(D, new Shape(s), data), training: true);
            BatchNormReference.UpdateRunning(runningMean, runningVar, TestData.ToDouble(data), s[0], s[1], s[2], 0.1);
        }
        var cm = GradCheck.Compare(p.RunningMean.ToArray(), runningMean, 1e-6, 1e-5);
        var cv = GradCheck.Compare(p.RunningVar.ToArray(), runningVar, 1e-6, 1e-5);
        Assert.That(cm.Passed, "running_mean " + cm);
        Assert.That(cv.Passed, "running_var " + cv);
    }

    [TestCaseSource(nameof(Shapes))]
    public void EvaluationUsesTheRunningStatisticsAndLeavesThemAlone(int[] s)
    {
        using var p = new Parameters(s[1], 15);
        var mean = TestData.Uniform(16, s[1]);
        var variance = TestData.Uniform(17, s[1], 0.2f, 2f);
        p.RunningMean.CopyFrom(mean);
        p.RunningVar.CopyFrom(variance);
        var data = TestData.Uniform(18, s[0] * s[1] * s[2]);
        var y = p.Apply(Tensor.FromArray(D, new Shape(s), data), training: false).ToArray();
        var expected = BatchNormReference.Forward(TestData.ToDouble(data), s[0], s[1], s[2], TestData.ToDouble(mean),
            TestData.ToDouble(variance), TestData.ToDouble(p.Gamma), TestData.ToDouble(p.Beta), Eps);
        var c = GradCheck.Compare(y, expected, 1e-5, 1e-4);
        Assert.That(c.Passed, c.ToString());
        Assert.That(p.RunningMean.ToArray(), Is.EqualTo(mean));
        Assert.That(p.RunningVar.ToArray(), Is.EqualTo(variance));
    }

    // Training backward with the input gradient added to one already written (fan-out) and overwriting it.
    private static IEnumerable<TestCaseData> BackwardCases() =>
        Shapes.Cast<int[]>().SelectMany(s => new[] { true, false }.Select(fanOut =>
            new TestCaseData(s, fanOut).SetArgDisplayNames(string.Join("x", s), fanOut ? "fan-out" : "single use")));

    [TestCaseSource(nameof(BackwardCases))]
    public void TrainingBackwardThroughTheBatchStatisticsMatchesFiniteDifferences(int[] s, bool fanOut) => CheckBackward(s, training: true, fanOut);

    [TestCaseSource(nameof(Shapes))]
    public void EvaluationBackwardMatchesFiniteDifferences(int[] s) => CheckBackward(s, training: false, fanOut: true);

    [Test]
    public void AnyGroupSizeMatchesTheReferences([Values(1, 8)] int groupSize, [ValueSource(nameof(Shapes))] int[] s)
    {
        var d = TestDevice.WithGroupSize(groupSize);
        using var p = new Parameters(s[1], 11, d);
        var data = TestData.Uniform(s[0] + s[2], s[0] * s[1] * s[2], -2f, 3f);
        var y = p.Apply(Tensor.FromArray(d, new Shape(s), data), training: true).ToArray();
        var expected = BatchNormReference.Training(TestData.ToDouble(data), s[0], s[1], s[2], TestData.ToDouble(p.Gamma),
            TestData.ToDouble(p.Beta), Eps);
        var c = GradCheck.Compare(y, expected, 1e-5, 1e-4);
        Assert.That(c.Passed, c.ToString());
        CheckBackward(s, training: true, fanOut: true, d);
    }

    private static void CheckBackward(int[] s, bool training, bool fanOut, Device? device = null)
    {
        var d = device ?? D;
        int b = s[0], c = s[1], sp = s[2];
        using var p = new Parameters(c, 21, d);
        var mean = TestData.Uniform(22, c);
        var variance = TestData.Uniform(23, c, 0.2f, 2f);
        p.RunningMean.CopyFrom(mean);
        p.RunningVar.CopyFrom(variance);
        var data = TestData.Uniform(24, b * c * sp, -2f, 2f);
        var x = Tensor.FromArray(d, new Shape(s), data);
        x.RequiresGrad = true;
        var y = p.Apply(x, training);
        var r = TestData.Uniform(25, y.Length);
        var q = ProjectedLoss.FanOut(fanOut, 26, x.Length);
        p.Weight.ZeroGrad();
        p.Bias.ZeroGrad();
        d.Tape.Backward(ProjectedLoss.Device(x, y, r, q));

        double Loss(double[][] v)
        {
            var yRef = training
                ? BatchNormReference.Training(v[0], b, c, sp, v[1], v[2], Eps)
                : BatchNormReference.Forward(v[0], b, c, sp, TestData.ToDouble(mean), TestData.ToDouble(variance), v[1], v[2], Eps);
            return ProjectedLoss.Reference(v[0], yRef, r, q);
        }
        var expected = GradCheck.Numeric(Loss, [TestData.ToDouble(data), TestData.ToDouble(p.Gamma), TestData.ToDouble(p.Beta)]);
        foreach (var (name, actual, fd) in new[] { ("x", x, expected[0]), ("weight", p.Weight, expected[1]), ("bias", p.Bias, expected[2]) })
        {
            var cmp = GradCheck.Compare(actual.Grad!.ToArray(), fd, 1e-4, 1e-3);
            Assert.That(cmp.Passed, $"d{name}: {cmp}");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ReferenceBackwardMatchesFiniteDifferences(bool training)
    {
        int b = 3, c = 2, sp = 5;
        var x = TestData.ToDouble(TestData.Uniform(30, b * c * sp));
        var gamma = TestData.ToDouble(TestData.Uniform(31, c));
        var beta = TestData.ToDouble(TestData.Uniform(32, c));
        var dy = TestData.ToDouble(TestData.Uniform(33, x.Length));
        double[]? mean = training ? null : [0.1, -0.2];
        double[]? variance = training ? null : [0.5, 1.5];
        double Loss(double[][] v)
        {
            var y = training
                ? BatchNormReference.Training(v[0], b, c, sp, v[1], v[2], Eps)
                : BatchNormReference.Forward(v[0], b, c, sp, mean!, variance!, v[1], v[2], Eps);
            return y.Select((value, i) => value * dy[i]).Sum();
        }
        var fd = GradCheck.Numeric(Loss, [x, gamma, beta]);
        var (dx, dGamma, dBeta) = BatchNormReference.Backward(dy, x, b, c, sp, gamma, Eps, mean, variance);
        foreach (var (analytic, numeric) in new[] { (dx, fd[0]), (dGamma, fd[1]), (dBeta, fd[2]) })
        {
            var cmp = GradCheck.Compare(Array.ConvertAll(analytic, v => (float)v), numeric, 1e-6, 1e-5);
            Assert.That(cmp.Passed, cmp.ToString());
        }
    }

    [Test]
    public void BatchNorm2dSharesStatisticsOverTimeAndBatch()
    {
        var bn = new BatchNorm2d(D, 3);
        Assert.That(bn.StateDict().Select(e => e.Name), Is.EqualTo(new[] { "weight", "bias", "running_mean", "running_var" }));
        Assert.That(bn.Weight.ToArray(), Is.All.EqualTo(1f));
        Assert.That(bn.Bias.ToArray(), Is.All.EqualTo(0f));
        Assert.That(bn.RunningVar.ToArray(), Is.All.EqualTo(1f));
        var shape = new Shape(4, 2, 3, 3, 5);
        var data = TestData.Uniform(40, shape.Length, -1f, 3f);
        var y = bn.Forward(Tensor.FromArray(D, shape, data));
        Assert.That(y.Shape, Is.EqualTo(shape));
        var expected = BatchNormReference.Training(TestData.ToDouble(data), 8, 3, 15, [1, 1, 1], [0, 0, 0], Eps);
        var c = GradCheck.Compare(y.ToArray(), expected, 1e-5, 1e-4);
        Assert.That(c.Passed, c.ToString());

        bn.Eval();
        var evalY = bn.Forward(Tensor.FromArray(D, new Shape(8, 3, 3, 5), data)).ToArray();
        var running = BatchNormReference.Statistics(TestData.ToDouble(data), 8, 3, 15);
        var evalExpected = BatchNormReference.Forward(TestData.ToDouble(data), 8, 3, 15, running.Mean.Select(m => 0.1 * m).ToArray(),
            running.Var.Select(v => 0.9 + 0.1 * v * 120 / 119).ToArray(), [1, 1, 1], [0, 0, 0], Eps);
        var ce = GradCheck.Compare(evalY, evalExpected, 1e-5, 1e-4);
        Assert.That(ce.Passed, "eval " + ce);
    }

    [Test]
    public void BatchNorm1dNormalisesFeaturesOverTimeAndBatch()
    {
        var bn = new BatchNorm1d(D, 5);
        var shape = new Shape(3, 4, 5);
        var data = TestData.Uniform(41, shape.Length);
        var y = bn.Forward(Tensor.FromArray(D, shape, data));
        Assert.That(y.Shape, Is.EqualTo(shape));
        var expected = BatchNormReference.Training(TestData.ToDouble(data), 12, 5, 1, [1, 1, 1, 1, 1], [0, 0, 0, 0, 0], Eps);
        var c = GradCheck.Compare(y.ToArray(), expected, 1e-5, 1e-4);
        Assert.That(c.Passed, c.ToString());
    }

    [Test]
    public void BadInputIsRejectedWithTheShapeInTheMessage()
    {
        var bn = new BatchNorm2d(D, 3);
        Assert.That(Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Empty(D, new Shape(2, 4, 3, 3))))!.Message,
            Does.Contain("[2, 4, 3, 3]"));
        Assert.That(Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Empty(D, new Shape(2, 3, 3))))!.Message,
            Does.Contain("[2, 3, 3]"));
        Assert.That(Assert.Throws<ArgumentException>(() => new BatchNorm1d(D, 3).Forward(Tensor.Empty(D, new Shape(1, 3))))!.Message,
            Does.Contain("more than one value"));
    }
}
