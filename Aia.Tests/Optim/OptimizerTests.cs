using Aia.Engine.Autodiff;
using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Optim;

public sealed class OptimizerTests
{
    private static Device D => TestDevice.Cpu;
    private static readonly Shape[] Shapes = [new(3, 5), new(7)];

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    /// <summary>Two parameters "a" and "b" with seeded values, and their double copies for the reference.</summary>
    private static (List<(string Name, Tensor Tensor)> Device, double[][] Reference) CreateParameters()
    {
        var device = new List<(string, Tensor)>();
        var reference = new double[Shapes.Length][];
        for (int i = 0; i < Shapes.Length; i++)
        {
            var data = TestData.Uniform(100 + i, Shapes[i].Length);
            var t = Tensor.Persistent(D, Shapes[i], i == 0 ? "a" : "b");
            t.CopyFrom(data);
            t.RequiresGrad = true;
            device.Add((t.Name!, t));
            reference[i] = TestData.ToDouble(data);
        }
        return (device, reference);
    }

    /// <summary>Gives each parameter in <paramref name="which"/> the gradient grads[i] through the tape (loss = sum_i sum(p_i * g_i)).</summary>
    private static void Backward(List<(string Name, Tensor Tensor)> parameters, float[][] grads, params int[] which)
    {
        D.Arena.Reset();
        Tensor? loss = null;
        foreach (int i in which)
        {
            var p = parameters[i].Tensor;
            var term = Reduction.Sum(Elementwise.Multiply(p, Tensor.FromArray(D, p.Shape, grads[i])));
            loss = loss is null ? term : Elementwise.Add(loss, term);
        }
        D.Tape.Backward(loss!);
    }

    private static float[][] Gradients(int step) =>
        Shapes.Select((s, i) => TestData.Uniform(1000 * step + i, s.Length, -2f, 2f)).ToArray();

    private static void AssertClose(List<(string Name, Tensor Tensor)> parameters, double[][] expected, string what)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var c = GradCheck.Compare(parameters[i].Tensor.ToArray(), expected[i], 1e-6, 1e-5);
            Assert.That(c.Passed, $"{what}, parameter {parameters[i].Name}: {c}");
        }
    }

    private static void Dispose(List<(string Name, Tensor Tensor)> parameters)
    {
        foreach (var (_, t) in parameters) t.Dispose();
    }

    [TestCase(0.0, false)]
    [TestCase(0.1, false)]
    [TestCase(0.1, true)]
    public void AdamAndAdamWFollowPyTorchOverSeveralStepsWithAChangingLearningRate(double weightDecay, bool decoupled)
    {
        var (parameters, reference) = CreateParameters();
        using Optimizer adam = decoupled
            ? new AdamW(D, parameters, 1e-2, 0.8, 0.95, 1e-6, weightDecay)
            : new Adam(D, parameters, 1e-2, 0.8, 0.95, 1e-6, weightDecay);
        var m = reference.Select(r => new double[r.Length]).ToArray();
        var v = reference.Select(r => new double[r.Length]).ToArray();
        for (int step = 1; step <= 6; step++)
        {
            var grads = Gradients(step);
            adam.LearningRate = 1e-2 / step;
            Backward(parameters, grads, 0, 1);
            adam.Step();
            adam.ZeroGrad();
            for (int i = 0; i < reference.Length; i++)
                OptimizerReference.Adam(reference[i], TestData.ToDouble(grads[i]), m[i], v[i], step, 1e-2 / step, 0.8, 0.95, 1e-6, weightDecay, decoupled);
        }
        AssertClose(parameters, reference, decoupled ? "AdamW" : "Adam");
        Assert.That(adam.NamedState.Select(s => s.Name), Is.EqualTo(new[] { "a.exp_avg", "b.exp_avg", "a.exp_avg_sq", "b.exp_avg_sq" }));
        var c = GradCheck.Compare(adam.NamedState[1].Tensor.ToArray(), m[1], 1e-6, 1e-5);
        Assert.That(c.Passed, "exp_avg of b: " + c);
        Dispose(parameters);
    }

    [TestCase(0.0, 0.0, 0.0, false)]
    [TestCase(0.9, 0.0, 0.0, false)]
    [TestCase(0.9, 0.3, 0.05, false)]
    [TestCase(0.9, 0.0, 0.05, true)]
    public void SgdFollowsPyTorchWithMomentumDampeningWeightDecayAndNesterov(double momentum, double dampening, double weightDecay, bool nesterov)
    {
        var (parameters, reference) = CreateParameters();
        using var sgd = new Sgd(D, parameters, 0.05, momentum, dampening, weightDecay, nesterov);
        var buffers = reference.Select(r => new double[r.Length]).ToArray();
        for (int step = 1; step <= 5; step++)
        {
            var grads = Gradients(step);
            Backward(parameters, grads, 0, 1);
            sgd.Step();
            sgd.ZeroGrad();
            for (int i = 0; i < reference.Length; i++)
                OptimizerReference.Sgd(reference[i], TestData.ToDouble(grads[i]), buffers[i], step, 0.05, momentum, dampening, weightDecay, nesterov);
        }
        AssertClose(parameters, reference, "SGD");
        Assert.That(sgd.NamedState.Count, Is.EqualTo(momentum > 0 ? 2 : 0));
        Dispose(parameters);
    }

    [Test]
    public void AParameterWithoutAGradientIsSkippedAndKeepsItsOwnStepCount()
    {
        var (parameters, reference) = CreateParameters();
        using var adam = new Adam(D, parameters, 1e-2);
        var m = reference.Select(r => new double[r.Length]).ToArray();
        var v = reference.Select(r => new double[r.Length]).ToArray();
        long[] steps = [0, 0];
        int[][] receiving = [[0, 1], [0], [0], [0, 1]];
        for (int k = 0; k < receiving.Length; k++)
        {
            var grads = Gradients(k + 1);
            Backward(parameters, grads, receiving[k]);
            adam.Step();
            adam.ZeroGrad();
            foreach (int i in receiving[k])
                OptimizerReference.Adam(reference[i], TestData.ToDouble(grads[i]), m[i], v[i], ++steps[i], 1e-2, 0.9, 0.999, 1e-8, 0, false);
        }
        AssertClose(parameters, reference, "Adam with a skipped parameter");
        var counts = adam.StepCounts();
        Assert.That(counts["step"], Is.EqualTo(4));
        Assert.That(counts["a.step"], Is.EqualTo(4));
        Assert.That(counts["b.step"], Is.EqualTo(2));
        Dispose(parameters);
    }

    [Test]
    public void AnOptimizerRestoredFromItsStateAndCountsContinuesIdentically()
    {
        var (original, _) = CreateParameters();
        var (restored, _) = CreateParameters();
        using var first = new Adam(D, original, 1e-2, weightDecay: 0.01);
        for (int step = 1; step <= 3; step++)
        {
            Backward(original, Gradients(step), 0, 1);
            first.Step();
            first.ZeroGrad();
        }
        using var second = new Adam(D, restored, 1e-2, weightDecay: 0.01);
        for (int i = 0; i < original.Count; i++)
            restored[i].Tensor.CopyFrom(original[i].Tensor.ToArray());
        for (int i = 0; i < first.NamedState.Count; i++)
            second.NamedState[i].Tensor.CopyFrom(first.NamedState[i].Tensor.ToArray());
        second.LoadStepCounts(first.StepCounts());
        foreach (var (parameters, optimizer) in new[] { (original, first), (restored, second) })
        {
            Backward(parameters, Gradients(4), 0, 1);
            optimizer.Step();
        }
        for (int i = 0; i < original.Count; i++)
            Assert.That(restored[i].Tensor.ToArray(), Is.EqualTo(original[i].Tensor.ToArray()), original[i].Name);
        Assert.Throws<ArgumentException>(() => second.LoadStepCounts(new Dictionary<string, long> { ["step"] = 1 }));
        Dispose(original);
        Dispose(restored);
    }

    [Test]
    public void ConstructionRejectsDuplicateNamesAndBadHyperparameters()
    {
        var (parameters, _) = CreateParameters();
        Assert.That(Assert.Throws<ArgumentException>(() => new Adam(D, [parameters[0], parameters[0]]))!.Message, Does.Contain("'a'"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(D, parameters, beta1: 1.0));
        Assert.Throws<ArgumentException>(() => new Sgd(D, parameters, 0.1, momentum: 0, nesterov: true));
        Dispose(parameters);
    }
}
