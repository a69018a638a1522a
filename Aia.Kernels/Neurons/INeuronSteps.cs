using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// How a neuron kernel runs the time loops of one work item: <see cref="PlainNeuronSteps"/> (<see cref="NeuronDynamics"/>,
/// every device, the reference) or <see cref="VectorNeuronSteps"/> (the CPU accelerator's vector code, the same values bit
/// for bit). A type parameter of the kernels, as the tile product is of the GEMM kernels, so only CPU launches
/// instantiate the vector code that GPU backends cannot compile.
/// </summary>
public interface INeuronSteps
{
    /// <summary>
    /// The forward (Eq. 1-2) of <paramref name="slice"/> with input current scale * affine(x[t]): spikes into
    /// <paramref name="o"/>, u[t] before reset into <paramref name="u"/> when <see cref="NeuronParameters.SavePotential"/> is
    /// set (see <see cref="NeuronDynamics.Forward(ChannelSlice, ArrayView{float}, ArrayView{float}, InputAffine, float, float, ArrayView{float}, ArrayView{float}, NeuronParameters)"/>).
    /// </summary>
    void Forward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> x, InputAffine affine, float scale, float decay,
        ArrayView<float> o, ArrayView<float> u, NeuronParameters p);

    /// <summary>
    /// BPTT of <paramref name="slice"/> with u rerun tile by tile into <paramref name="potentials"/> (see
    /// <see cref="NeuronDynamics.RerunBackward"/>): dx for backward <paramref name="variant"/> written over
    /// (<paramref name="dx"/> may be <paramref name="g"/>), the calling thread's parameter-gradient sums returned.
    /// </summary>
    NeuronGradientSums RerunBackward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> potentials, int variant,
        ArrayView<float> g, ArrayView<float> x, InputAffine affine, float scale, float decay, ArrayView<float> dx, NeuronParameters p);
}
