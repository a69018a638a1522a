using Aia.Engine.Models;
using Aia.Engine.Autodiff;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;

namespace Aia.Engine.Verification;

/// <summary>
/// Checks of the fused neuron kernels at a VGGSNN layer size, [10, 32/scale, 128, 64, 64]: spikes bit for bit
/// against the float reference (quantized inputs make every potential exact), gradients against the double
/// reference BPTT, and behind a batch norm the fused backward against the plain one (<see cref="FusedNeuronCase"/>).
/// </summary>
public static class NeuronChecks
{
    /// <summary>The cases; <paramref name="scale"/> divides the batch of 32.</summary>
    public static IEnumerable<KernelCheck> Cases(int scale)
    {
        var shape = new Shape(10, Math.Max(1, 32 / scale), 128, 64, 64);
        var options = new NeuronOptions();
        foreach (var kind in new[] { NeuronKind.Lif, NeuronKind.Plif, NeuronKind.Aia, NeuronKind.CachedAia })
        {
            string name = "neuron." + kind.Name();
            var input = new Lazy<NeuronCase>(() => NeuronCase.Random(kind, shape, options, (ulong)kind + 11, quantized: true));
            yield return new KernelCheck(name + ".forward", shape.ToString(), d =>
                GradCheck.Compare(input.Value.Run(d).Spikes, input.Value.ReferenceForward().Spikes, 0, 0));
            yield return new KernelCheck(name + ".backward", shape.ToString(), d =>
                GradCheck.Compare(input.Value.Run(d).InputGradient, input.Value.ReferenceBackward().Input, 1e-5, 1e-4));
            if (kind is NeuronKind.Plif or NeuronKind.CachedAia)
            {
                yield return new KernelCheck(name + (kind == NeuronKind.Plif ? ".decay-grad" : ".beta-grad"), shape.ToString(), d =>
                    GradCheck.Compare(input.Value.Run(d).ParameterGradient,
                        input.Value.ReferenceParameterGradient(input.Value.ReferenceBackward()), 1e-2, 1e-4));
            }
            // Batch norm then neuron: the fused backward (x read through the map, u rerun tile by tile) against the plain one,
            // bit for bit (on CUDA this holds only if ptxas contracts the map's multiply-add alike in both kernels).
            var fused = new Lazy<FusedNeuronCase>(() => FusedNeuronCase.Random(kind, shape, options, (ulong)kind + 13));
            yield return new KernelCheck(name + ".fused-backward", shape.ToString(), d => fused.Value.Compare(d));
        }
    }
}
