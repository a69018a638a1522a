using Aia.Engine.Autodiff;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Tests.Support;
using ILGPU;
using ILGPU.Runtime;
using NUnit.Framework;
using Device = Aia.Engine.Runtime.Device;

namespace Aia.Tests.Kernels;

public sealed class LossTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    private static ArrayView<int> Upload(int[] labels)
    {
        var view = D.Arena.Allocate<int>(labels.Length);
        view.CopyFromCPU(labels);
        return view;
    }

    private static int Read(ArrayView<int> count)
    {
        var host = new int[1];
        count.CopyToCPU(host);
        return host[0];
    }

    private static int[] Labels(int seed, int n, int classes)
    {
        var rng = new Rng((ulong)seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextInt(classes)).ToArray();
    }

    // (T, N, K, smoothing): T = 0 is the plain [N, K] loss; batch 1 and > 1; TET's per-step loss for T > 0.
    [TestCase(0, 1, 7, 0f)]
    [TestCase(0, 5, 10, 0f)]
    [TestCase(0, 6, 3, 0.1f)]
    [TestCase(3, 4, 5, 0f)]
    [TestCase(2, 1, 11, 0.2f)]
    public void CrossEntropyMatchesTheReferenceAndFiniteDifferences(int steps, int n, int k, float smoothing)
    {
        var shape = steps == 0 ? new Shape(n, k) : new Shape(steps, n, k);
        var data = TestData.Uniform(n * k + steps, shape.Length, -3f, 3f);
        var labels = Labels(n + k, n, k);
        var logits = Tensor.FromArray(D, shape, data);
        logits.RequiresGrad = true;
        var loss = steps == 0 ? Losses.CrossEntropy(logits, Upload(labels), smoothing) : Losses.CrossEntropyPerStep(logits, Upload(labels), smoothing);
        double expected = CrossEntropyReference.Loss(TestData.ToDouble(data), labels, k, smoothing);
        var forward = GradCheck.Compare(loss.ToArray(), [expected], 1e-6, 1e-5);
        Assert.That(forward.Passed, "loss " + forward);

        // L = 2.5 CE + sum(q * logits): the loss gradient is not 1 and the logits gradient accumulates.
        var q = TestData.Uniform(5, logits.Length);
        var total = Elementwise.Add(Elementwise.Scale(loss, 2.5f), Reduction.Sum(Elementwise.Multiply(logits, Tensor.FromArray(D, shape, q))));
        D.Tape.Backward(total);
        var fd = GradCheck.Numeric(v => 2.5 * CrossEntropyReference.Loss(v[0], labels, k, smoothing) + v[0].Select((z, i) => z * q[i]).Sum(),
            [TestData.ToDouble(data)])[0];
        var backward = GradCheck.Compare(logits.Grad!.ToArray(), fd, 1e-5, 1e-4);
        Assert.That(backward.Passed, "dlogits " + backward);
    }

    [Test]
    public void PerStepLossIsTheMeanOfTheLossesOfEachStep()
    {
        var data = TestData.Uniform(6, 3 * 4 * 5, -2f, 2f);
        var labels = Labels(7, 4, 5);
        float perStep = Losses.CrossEntropyPerStep(Tensor.FromArray(D, new Shape(3, 4, 5), data), Upload(labels)).ToArray()[0];
        double mean = 0;
        for (int t = 0; t < 3; t++)
            mean += Losses.CrossEntropy(Tensor.FromArray(D, new Shape(4, 5), data.AsSpan(t * 20, 20)), Upload(labels)).ToArray()[0] / 3.0;
        Assert.That(perStep, Is.EqualTo(mean).Within(1e-5));
    }

    [Test]
    public void ReferenceGradientMatchesFiniteDifferences()
    {
        var x = TestData.ToDouble(TestData.Uniform(8, 2 * 3 * 4));
        int[] labels = [1, 0, 3];
        var fd = GradCheck.Numeric(v => CrossEntropyReference.Loss(v[0], labels, 4, 0.3), [x])[0];
        var c = GradCheck.Compare(Array.ConvertAll(CrossEntropyReference.Gradient(x, labels, 4, 0.3), v => (float)v), fd, 1e-7, 1e-5);
        Assert.That(c.Passed, c.ToString());
    }

    [Test]
    public void HugeLogitsStayFinite()
    {
        float[] data = [1000f, -1000f, 990f, -500f, 0f, 800f];
        int[] labels = [2, 0];
        var logits = Tensor.FromArray(D, new Shape(2, 3), data);
        logits.RequiresGrad = true;
        var loss = Losses.CrossEntropy(logits, Upload(labels), 0.1f);
        double expected = CrossEntropyReference.Loss(TestData.ToDouble(data), labels, 3, 0.1);
        Assert.That(loss.ToArray()[0], Is.EqualTo(expected).Within(1e-3));
        D.Tape.Backward(loss);
        // Logits near 1000 carry float spacing 6e-5, which bounds the accuracy of z - logsumexp.
        var c = GradCheck.Compare(logits.Grad!.ToArray(), CrossEntropyReference.Gradient(TestData.ToDouble(data), labels, 3, 0.1), 5e-5, 1e-4);
        Assert.That(c.Passed, c.ToString());
    }

    [Test]
    public void ALabelOutOfRangeGivesNaNNotAnOutOfBoundsRead()
    {
        var logits = Tensor.FromArray(D, new Shape(2, 3), TestData.Uniform(9, 6));
        Assert.That(float.IsNaN(Losses.CrossEntropy(logits, Upload([1, 3])).ToArray()[0]), Is.True);
        Assert.That(float.IsNaN(Losses.CrossEntropy(logits, Upload([-1, 0])).ToArray()[0]), Is.True);
    }

    [Test]
    public void CountCorrectCountsFirstMaximaOnTheDeviceAndAccumulates()
    {
        int n = 37, k = 6;
        var data = TestData.Uniform(10, n * k);
        data[0] = data[1] = 5f; // a tie: the first maximum (class 0) is the prediction
        var labels = Labels(11, n, k);
        labels[0] = 1;
        var count = D.Arena.Allocate<int>(1);
        var logits = Tensor.FromArray(D, new Shape(n, k), data);
        Losses.CountCorrect(logits, Upload(labels), count, accumulate: false);
        int expected = CrossEntropyReference.CountCorrect(data, labels, k);
        Assert.That(expected, Is.GreaterThan(0).And.LessThan(n), "the case should have both hits and misses");
        Assert.That(Read(count), Is.EqualTo(expected));
        Losses.CountCorrect(logits, Upload(labels), count, accumulate: true);
        Assert.That(Read(count), Is.EqualTo(2 * expected));
        labels[0] = 0;
        Losses.CountCorrect(logits, Upload(labels), count, accumulate: false);
        Assert.That(Read(count), Is.EqualTo(expected + 1), "a tie goes to the first maximum");
    }

    [Test]
    public void BadInputIsRejectedWithTheShapeInTheMessage()
    {
        var logits = Tensor.Empty(D, new Shape(4, 3));
        Assert.That(Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, Upload([0, 1, 2])))!.Message, Does.Contain("[4, 3]"));
        Assert.That(Assert.Throws<ArgumentException>(() => Losses.CrossEntropyPerStep(logits, Upload([0, 1, 2, 0])))!.Message, Does.Contain("[4, 3]"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(logits, Upload([0, 1, 2, 0]), 1.5f));
    }
}
