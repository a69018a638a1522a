using Aia.Engine.Models;
using Aia.Engine.Runtime;
using Aia.Engine.Verification;

namespace Aia.Tests.Support;

/// <summary>
/// The fused neuron backward kernel of each neuron kind (the batch-norm read and tile-wise rerun, <c>BackwardFromNormalized</c>),
/// and how often it has run on a device: lets a bit-for-bit test check that the path it means to compare really ran.
/// </summary>
public static class FusedNeuronBackward
{
    /// <summary>
    /// The kernel <paramref name="kind"/>'s op launches on <paramref name="d"/> where its input currents are a freed batch-norm
    /// output: instantiated with the neuron steps <see cref="Engine.Ops.Spiking.Steps"/> picks for the device.
    /// </summary>
    public static Delegate Kernel(Device d, NeuronKind kind) => FusedNeuronCase.FusedKernel(d, kind);

    /// <summary>Launches of <paramref name="kind"/>'s fused backward on <paramref name="device"/> so far.</summary>
    public static long Launches(Device device, NeuronKind kind) => device.LaunchCount(Kernel(device, kind));
}
