using Aia.Engine.Models;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Kernels.Neurons;

namespace Aia.Tests.Support;

/// <summary>
/// The fused neuron backward kernel of each neuron kind (the batch-norm read and tile-wise rerun, <c>BackwardFromNormalized</c>),
/// and how often it has run on a device: lets a bit-for-bit test check that the path it means to compare really ran.
/// </summary>
public static class FusedNeuronBackward
{
    /// <summary>
    /// The kernel <paramref name="kind"/>'s op launches on <paramref name="d"/> where its input currents are a freed batch-norm
    /// output: instantiated with the neuron steps <see cref="Spiking.Steps"/> picks for the device.
    /// </summary>
    public static Delegate Kernel(Device d, NeuronKind kind) => kind switch
    {
        NeuronKind.Plif => Spiking.Steps<Delegate>(d, PlifKernels.BackwardFromNormalized<VectorNeuronSteps>, PlifKernels.BackwardFromNormalized<PlainNeuronSteps>),
        NeuronKind.CachedAia => Spiking.Steps<Delegate>(d, CachedAiaKernels.BackwardFromNormalized<VectorNeuronSteps>,
            CachedAiaKernels.BackwardFromNormalized<PlainNeuronSteps>),
        _ => Spiking.Steps<Delegate>(d, LifKernels.BackwardFromNormalized<VectorNeuronSteps>, LifKernels.BackwardFromNormalized<PlainNeuronSteps>),
    };

    /// <summary>Launches of <paramref name="kind"/>'s fused backward on <paramref name="device"/> so far.</summary>
    public static long Launches(Device device, NeuronKind kind) => device.LaunchCount(Kernel(device, kind));
}
