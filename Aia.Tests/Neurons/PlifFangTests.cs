using Aia.Engine.Autodiff;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Neurons;

/// <summary>
/// PLIF against a plain loop written as Fang et al. and SpikingJelly's ParametricLIFNode write it (decay_input,
/// v_reset = 0, hard reset): h = v + (x - v) / tau, 1/tau = sigmoid(w), s = H(h - Vth), v = h (1 - s); forward
/// spikes, and dx and dw of the fused kernels against central differences of that loop (smooth spikes).
/// </summary>
public sealed class PlifFangTests
{
    private static Device D => TestDevice.Cpu;

    [SetUp]
    public void ResetArena() => D.Arena.Reset();

    /// <summary>SpikingJelly's multi-step loop over [T, neurons], in double; spikes smooth when slope &gt; 0.</summary>
    private static double[] Fang(double[] x, double w, int steps, double threshold, double slope)
    {
        int m = x.Length / steps;
        var spikes = new double[x.Length];
        double inverseTau = 1 / (1 + Math.Exp(-w));
        for (int i = 0; i < m; i++)
        {
            double v = 0;
            for (int t = 0; t < steps; t++)
            {
                double h = v + (x[t * m + i] - v) * inverseTau;
                double s = slope > 0 ? 1 / (1 + Math.Exp(-slope * (h - threshold))) : h >= threshold ? 1 : 0;
                spikes[t * m + i] = s;
                v = h * (1 - s);
            }
        }
        return spikes;
    }

    private static (float[] Spikes, float[] Dx, float Dw) Run(float[] x, float w, float[] g, Shape shape, NeuronOptions options)
    {
        var layer = new PlifNeuron(D, options);
        try
        {
            layer.W.CopyFrom([w]);
            layer.W.ZeroGrad();
            var input = Tensor.FromArray(D, shape, x);
            input.RequiresGrad = true;
            var spikes = layer.Forward(input);
            D.Tape.Backward(Elementwise.Multiply(spikes, Tensor.FromArray(D, shape, g)));
            return (spikes.ToArray(), input.Grad!.ToArray(), layer.W.Grad!.ToArray()[0]);
        }
        finally
        {
            layer.W.Dispose();
        }
    }

    [Test]
    public void SpikesMatchFangsForm([Values(2f, 3f)] float tau0, [Values(new[] { 6, 2, 3, 4, 5 }, new[] { 5, 3, 7 })] int[] dims)
    {
        var shape = new Shape(dims);
        var rng = new Rng(41);
        var x = RandomData.Uniform(rng, shape.Length, -0.5f, 2.5f);
        var w = -MathF.Log(tau0 - 1f);
        var (spikes, _, _) = Run(x, w, new float[shape.Length], shape, new NeuronOptions());
        var expected = Fang(Array.ConvertAll(x, v => (double)v), w, dims[0], 1.0, 0);
        // float against double: a potential within rounding of the threshold may differ; none is that close here
        int differing = Enumerable.Range(0, x.Length).Count(k => spikes[k] != expected[k]);
        Assert.That(differing, Is.Zero, $"{differing} of {x.Length} spikes differ from h = v + (x - v) / tau");
        Assert.That(spikes.Sum(), Is.InRange(0.1 * x.Length, 0.9 * x.Length), "a mix of spikes and silence");
    }

    [Test]
    public void GradientsMatchFiniteDifferencesOfFangsForm([Values(false, true)] bool detachReset)
    {
        var shape = new Shape(5, 2, 3, 3, 4);
        var rng = new Rng(42);
        var x = RandomData.Uniform(rng, shape.Length, -0.5f, 2.5f);
        var g = RandomData.Uniform(rng, shape.Length);
        const float w = 0.3f, slope = 4f;
        var options = new NeuronOptions { SmoothSlope = slope, DetachReset = detachReset };
        var (_, dx, dw) = Run(x, w, g, shape, options);

        double[] xd = Array.ConvertAll(x, v => (double)v);
        double[] frozen = detachReset ? Fang(xd, w, 5, 1.0, slope) : [];
        double Loss(double[] xs, double wv)
        {
            var s = detachReset ? FangFrozen(xs, wv, 5, slope, frozen) : Fang(xs, wv, 5, 1.0, slope);
            double l = 0;
            for (int k = 0; k < s.Length; k++) l += g[k] * s[k];
            return l;
        }
        var numeric = GradCheck.Numeric(v => Loss(v[0], v[1][0]), [xd, [w]]);
        var cx = GradCheck.Compare(dx, numeric[0], 2e-6, 1e-4);
        Assert.That(cx.Passed, "dx: " + cx);
        var cw = GradCheck.Compare([dw], numeric[1], 2e-5, 1e-4);
        Assert.That(cw.Passed, "dw: " + cw);
        Assert.That(Math.Abs(numeric[1][0]), Is.GreaterThan(1e-2), "dw is not trivially zero");
    }

    /// <summary>Fang's loop with the reset spikes held at <paramref name="reset"/> (a detached reset's value).</summary>
    private static double[] FangFrozen(double[] x, double w, int steps, double slope, double[] reset)
    {
        int m = x.Length / steps;
        var spikes = new double[x.Length];
        double inverseTau = 1 / (1 + Math.Exp(-w));
        for (int i = 0; i < m; i++)
        {
            double v = 0;
            for (int t = 0; t < steps; t++)
            {
                double h = v + (x[t * m + i] - v) * inverseTau;
                spikes[t * m + i] = 1 / (1 + Math.Exp(-slope * (h - 1.0)));
                v = h * (1 - reset[t * m + i]);
            }
        }
        return spikes;
    }
}
