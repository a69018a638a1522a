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
    /// <summary>The kernel <paramref name="kind"/>'s op launches where its input currents are a freed batch-norm output.</summary>
    public static Delegate Kernel(NeuronKind kind) => FusedNeuronCase.FusedKernel(kind);

    /// <summary>Launches of <paramref name="kind"/>'s fused backward on <paramref name="device"/> so far.</summary>
    public static long Launches(Device device, NeuronKind kind) => device.LaunchCount(Kernel(kind));
}
