using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

public sealed class ElementwiseTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    /// <summary>tanh from one exponential (valid PTX, unlike MathF.Tanh under fast math) against Math.Tanh, tiny to saturated.</summary>
    [Test]
    public void TanhMatchesDoublePrecision()
    {
        var x = new List<float> { 0f, -0f, 1e-30f, -1e-7f, 1e-4f, 0.1249f, 0.125f, -0.1251f, 0.5f, -1f, 3f, 9f, -20f, 88f };
        var rng = new Random(3);
        for (int i = 0; i < 400; i++)
            x.Add((float)((rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-6, 2))));
        var y = Elementwise.Tanh(Tensor.FromArray(D, new Shape(x.Count), x.ToArray())).ToArray();
        for (int i = 0; i < x.Count; i++)
        {
            double expected = Math.Tanh(x[i]);
            Assert.That(Math.Abs(y[i] - expected), Is.LessThanOrEqualTo(3e-7 * Math.Abs(expected) + 1e-38), $"tanh({x[i]:R}) = {y[i]:R}, expected {expected:R}");
        }
    }
}
