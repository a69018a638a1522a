using Aia.Engine.Models;
using Aia.Engine.Autodiff;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Verification.References;
using Aia.Kernels;

namespace Aia.Engine.Verification;

/// <summary>
/// One neuron layer with its inputs, run on a device and by the references: what the neuron checks of
/// <c>aia verify</c> and the unit tests share. The loss is L = sum of <see cref="Upstream"/> * o, so the
/// gradient reaching the spikes is <see cref="Upstream"/>.
/// </summary>
/// <param name="Kind">Which neuron.</param>
/// <param name="Shape">Shape of the input currents, [T, N, C, H, W] or [T, N, F].</param>
/// <param name="Options">The neuron's constants (IF overrides the decay with 1).</param>
/// <param name="Input">Input currents x.</param>
/// <param name="Upstream">dL/do.</param>
/// <param name="Parameter">PLIF: { w }; cached AIA: beta per channel; others: empty.</param>
public sealed record NeuronCase(NeuronKind Kind, Shape Shape, NeuronOptions Options, float[] Input, float[] Upstream, float[] Parameter)
{
    /// <summary>
    /// Seeded inputs: x uniform in [-0.5, 1.5) ([-1, 3) for PLIF), g in [-1, 1), w in [-1, 1), beta in [0.5, 1.5). Quantized: x on
    /// multiples of 1/64, beta of 1/8, w = 0 (PLIF: k = 1/tau = 0.5, decay 0.5), so with decays 0.5 or 1 every potential is exact in
    /// float whatever the device's rounding and contraction, and spikes must match bit for bit.
    /// </summary>
    public static NeuronCase Random(NeuronKind kind, Shape shape, NeuronOptions options, ulong seed, bool quantized = false)
    {
        var rng = new Rng(seed);
        // PLIF scales its input by 1/tau (about 1/2): twice the range gives it as many spikes as the others
        var x = RandomData.Uniform(rng, shape.Length, kind == NeuronKind.Plif ? -1f : -0.5f, kind == NeuronKind.Plif ? 3f : 1.5f);
        var g = RandomData.Uniform(rng, shape.Length);
        float[] parameter = kind switch
        {
            NeuronKind.Plif => quantized ? [0f] : RandomData.Uniform(rng, 1),
            NeuronKind.CachedAia => RandomData.Uniform(rng, shape[2], 0.5f, 1.5f),
            _ => [],
        };
        if (quantized)
        {
            Round(x, 64);
            Round(parameter, 8);
        }
        return new NeuronCase(kind, shape, options, x, g, parameter);
    }

    /// <summary>How the references see the input.</summary>
    public NeuronLayout Layout => NeuronLayout.Of(Shape);

    /// <summary>The leak in float, as the kernels compute it (PLIF: 1 - k, k = 1/tau = sigmoid(w)).</summary>
    public float Decay => Kind switch
    {
        NeuronKind.If => 1f,
        NeuronKind.Plif => 1f - Surrogate.Logistic(Parameter[0]),
        _ => Options.Decay,
    };

    /// <summary>The input scale per channel: beta for cached AIA, k = sigmoid(w) for PLIF (Fang's x / tau), else none.</summary>
    private float[] Scales => Kind switch
    {
        NeuronKind.CachedAia => Parameter,
        NeuronKind.Plif => Enumerable.Repeat(Surrogate.Logistic(Parameter[0]), Layout.Channels).ToArray(),
        _ => [],
    };

    /// <summary>A new layer of <see cref="Kind"/> on <paramref name="device"/> holding <see cref="Parameter"/>.</summary>
    public SpikingNeuron CreateLayer(Device device)
    {
        var layer = SpikingNetwork.CreateNeuron(device, Kind, Shape[2], Options);
        foreach (var (_, p) in layer.NamedParameters())
            p.CopyFrom(Parameter);
        return layer;
    }

    /// <summary>Runs a new layer forward and backward on <paramref name="device"/> (the arena must have room).</summary>
    public NeuronResult Run(Device device)
    {
        var layer = CreateLayer(device);
        try
        {
            return Run(device, layer);
        }
        finally
        {
            foreach (var (_, p) in layer.NamedParameters())
                p.Dispose();
        }
    }

    /// <summary>Runs <paramref name="layer"/> forward and backward; its parameter gradients are zeroed first.</summary>
    public NeuronResult Run(Device device, SpikingNeuron layer)
    {
        var parameter = layer.NamedParameters().Select(p => p.Tensor).SingleOrDefault();
        parameter?.ZeroGrad();
        var x = Tensor.FromArray(device, Shape, Input);
        x.RequiresGrad = true;
        var spikes = layer.Forward(x);
        device.Tape.Backward(Elementwise.Multiply(spikes, Tensor.FromArray(device, Shape, Upstream)));
        return new NeuronResult(spikes.ToArray(), x.Grad!.ToArray(), parameter?.Grad?.ToArray() ?? []);
    }

    /// <summary>The float forward pass, operation for operation as the kernels run it.</summary>
    public (float[] Spikes, float[] Potentials) ReferenceForward() =>
        NeuronReference.Forward<float>(Input, Layout, Decay, Options, Scales);

    /// <summary>The hand-written BPTT in double, from the float forward's potentials.</summary>
    public NeuronGradients ReferenceBackward()
    {
        var (_, u) = ReferenceForward();
        // PLIF's BPTT is cached AIA's with the scalar scale k: dx = k du, and the sums of du x and du[t+1] kept[t]
        return NeuronReference.Backward(Kind == NeuronKind.Plif ? NeuronKind.CachedAia : Kind, Upstream, u, Input, Scales, Layout, Decay, Options);
    }

    /// <summary>The parameter gradient the reference BPTT implies: dL/dw for PLIF, dL/dbeta for cached AIA.</summary>
    public double[] ReferenceParameterGradient(NeuronGradients gradients) => Kind switch
    {
        // dL/dk = sum du (x - kept[t-1]) = sum du x - sum du[t+1] kept[t]; dk/dw = k (1 - k)
        NeuronKind.Plif => [(gradients.Beta.Sum() - gradients.Decay) * Decay * (1.0 - Decay)],
        NeuronKind.CachedAia => gradients.Beta,
        _ => [],
    };

    /// <summary>
    /// Central differences of L = sum g * o of the double-precision forward pass, for x and the parameter.
    /// AIA's dx is not the gradient of a forward function (Eq. 6-7): the expected value is x times the
    /// difference quotient of LIF. <paramref name="frozenReset"/> holds the reset spikes at their values at the
    /// evaluation point: the finite-difference counterpart of <see cref="NeuronOptions.DetachReset"/>.
    /// </summary>
    public (double[] Input, double[] Parameter) NumericGradients(bool frozenReset)
    {
        double[] x = Array.ConvertAll(Input, v => (double)v), parameter = Array.ConvertAll(Parameter, v => (double)v);
        double[] reset = frozenReset ? Forward(x, parameter, []).Spikes : [];
        var grads = GradCheck.Numeric(v => Loss(Forward(v[0], v[1], reset).Spikes), [x, parameter]);
        if (Kind == NeuronKind.Aia)
        {
            for (int k = 0; k < x.Length; k++)
                grads[0][k] *= x[k];
        }
        return (grads[0], grads[1]);
    }

    private (double[] Spikes, double[] Potentials) Forward(double[] x, double[] parameter, double[] reset)
    {
        if (Kind == NeuronKind.Plif)
        {
            double k = 1 / (1 + Math.Exp(-parameter[0]));
            return NeuronReference.Forward<double>(x, Layout, 1 - k, Options, Enumerable.Repeat(k, Layout.Channels).ToArray(), reset);
        }
        return NeuronReference.Forward<double>(x, Layout, Decay, Options, Kind == NeuronKind.CachedAia ? parameter : [], reset);
    }

    private double Loss(double[] spikes)
    {
        double loss = 0;
        for (int k = 0; k < spikes.Length; k++)
            loss += Upstream[k] * spikes[k];
        return loss;
    }

    private static void Round(float[] values, int steps)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = MathF.Round(values[i] * steps) / steps;
    }
}
