using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>The time loops of <see cref="NeuronDynamics"/>: what GPUs run, and the reference of <see cref="VectorNeuronSteps"/>.</summary>
public readonly struct PlainNeuronSteps : INeuronSteps
{
    /// <inheritdoc/>
    public void Forward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> x, InputAffine affine, float scale, float decay,
        ArrayView<float> o, ArrayView<float> u, NeuronParameters p) =>
        NeuronDynamics.Forward(slice, state, x, affine, scale, decay, o, u, p);

    /// <inheritdoc/>
    public NeuronGradientSums RerunBackward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> potentials, int variant,
        ArrayView<float> g, ArrayView<float> x, InputAffine affine, float scale, float decay, ArrayView<float> dx, NeuronParameters p) =>
        NeuronDynamics.RerunBackward(slice, state, potentials, variant, g, x, affine, scale, decay, dx, p);
}
