using Aia.Engine.Autodiff;
using Aia.Engine.Models;
using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Kernels.Neurons;

namespace Aia.Engine.Verification;

/// <summary>
/// A training-mode batch norm feeding a neuron layer, run forward and backward on one device in the two forms of the
/// neuron backward (see <see cref="Spiking"/>): through <see cref="Sequential"/>, where the batch norm's output is freed once
/// the neuron has written its spikes over it, so the neuron runs its fused backward (x read through the batch norm's map from
/// the batch norm's input, u rerun tile by tile); and with the batch norm's output pinned, the plain backward (x as the
/// forward left it, u rerun into a full tensor). The loss is L = sum of <see cref="Upstream"/> * o. Every gradient must be
/// the same bit for bit: the input's (through the batch norm's backward) and every parameter's.
/// </summary>
/// <param name="Kind">Which neuron.</param>
/// <param name="Shape">Shape of the batch norm's input, [T, N, C, H, W] or [T, N, F].</param>
/// <param name="Options">The neuron's constants.</param>
/// <param name="Input">The batch norm's input.</param>
/// <param name="Upstream">dL/do.</param>
public sealed record FusedNeuronCase(NeuronKind Kind, Shape Shape, NeuronOptions Options, float[] Input, float[] Upstream)
{
    /// <summary>Seeded inputs: the batch norm's input uniform in [-1, 2), g in [-1, 1).</summary>
    public static FusedNeuronCase Random(NeuronKind kind, Shape shape, NeuronOptions options, ulong seed)
    {
        var rng = new Rng(seed);
        return new FusedNeuronCase(kind, shape, options, RandomData.Uniform(rng, shape.Length, -1f, 2f), RandomData.Uniform(rng, shape.Length));
    }

    /// <summary>
    /// The fused backward kernel the op of <paramref name="kind"/> launches on <paramref name="d"/>: instantiated with the neuron
    /// steps <see cref="Spiking.Steps"/> picks for the device.
    /// </summary>
    public static Delegate FusedKernel(Device d, NeuronKind kind) => kind switch
    {
        NeuronKind.Plif => Spiking.Steps<Delegate>(d, PlifKernels.BackwardFromNormalized<VectorNeuronSteps>, PlifKernels.BackwardFromNormalized<PlainNeuronSteps>),
        NeuronKind.CachedAia => Spiking.Steps<Delegate>(d, CachedAiaKernels.BackwardFromNormalized<VectorNeuronSteps>,
            CachedAiaKernels.BackwardFromNormalized<PlainNeuronSteps>),
        _ => Spiking.Steps<Delegate>(d, LifKernels.BackwardFromNormalized<VectorNeuronSteps>, LifKernels.BackwardFromNormalized<PlainNeuronSteps>),
    };

    /// <summary>
    /// The gradients of a new batch norm (weight 1.25, bias 0.2: more neurons near the threshold) and neuron layer on
    /// <paramref name="device"/>, by name ("input", "bn.weight", ...), in the <paramref name="fused"/> form or the plain one.
    /// Throws if the form that ran is not the one asked for (the launch counts of <see cref="FusedKernel"/> tell).
    /// </summary>
    public Dictionary<string, float[]> Gradients(Device device, bool fused)
    {
        device.Arena.Reset();
        BatchNorm bn = Shape.Rank == 5 ? new BatchNorm2d(device, Shape[2]) : new BatchNorm1d(device, Shape[2]);
        Init.Constant(bn.Weight, 1.25f);
        Init.Constant(bn.Bias, 0.2f);
        var neuron = SpikingNetwork.CreateNeuron(device, Kind, Shape[2], Options);
        var modules = new Module[] { bn, neuron };
        try
        {
            long launches = device.LaunchCount(FusedKernel(device, Kind));
            var x = Tensor.FromArray(device, Shape, Input);
            x.RequiresGrad = true;
            Tensor o;
            if (fused)
            {
                o = new Sequential(modules).Forward(x);
            }
            else
            {
                var y = bn.Forward(x);
                y.PinForBackward();
                o = neuron.Forward(y);
            }
            device.Tape.Backward(Elementwise.Multiply(o, Tensor.FromArray(device, Shape, Upstream)));
            if (!device.Arena.Planning && device.LaunchCount(FusedKernel(device, Kind)) - launches != (fused ? 1 : 0))
                throw new InvalidOperationException($"{Kind}: the {(fused ? "fused" : "plain")} neuron backward did not run.");
            var result = new Dictionary<string, float[]> { ["input"] = x.Grad!.ToArray() };
            foreach (var (prefix, module) in new[] { ("bn", (Module)bn), ("neuron", neuron) })
                foreach (var (name, p) in module.NamedParameters())
                    result[$"{prefix}.{name}"] = p.Grad!.ToArray();
            device.Arena.Reset();
            return result;
        }
        finally
        {
            foreach (var module in modules)
                foreach (var (_, t) in module.StateDict())
                    t.Dispose();
        }
    }

    /// <summary>The fused form's gradients against the plain form's, all of them concatenated in name order.</summary>
    public Comparison Compare(Device device)
    {
        var plain = Gradients(device, fused: false);
        var fused = Gradients(device, fused: true);
        float[] Flat(Dictionary<string, float[]> g) => g.OrderBy(e => e.Key, StringComparer.Ordinal).SelectMany(e => e.Value).ToArray();
        return GradCheck.Compare(Flat(fused), Flat(plain), 0, 0);
    }
}
