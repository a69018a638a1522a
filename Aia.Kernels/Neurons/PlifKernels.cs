using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// Fused multi-step PLIF (Fang et al. 2021 in the form of Eq. 1): LIF whose decay lambda = sigmoid(w) is one
/// learnable scalar per layer, read from the device. dL/dw = lambda (1 - lambda) sum over all neurons and t of
/// du[t] u[t-1] (1 - o[t-1]): the backward writes one partial per work item (chunks of the layer's neurons, see
/// <see cref="LifKernels.Layer"/>) and <see cref="DecayGradient"/> combines them in a fixed order.
/// </summary>
public static class PlifKernels
{
    /// <summary>o = LIF(x) with decay sigmoid(w[0]); u saved when p.SavePotential is set.</summary>
    public static void Forward(ArrayView<float> x, ArrayView<float> w, ArrayView<float> o, ArrayView<float> u, int chunks, NeuronParameters p)
    {
        var state = NeuronDynamics.AllocateState();
        float decay = Surrogate.Logistic(w[0]);
        int groups = Grid.DimX;
        for (int item = Grid.IdxX; item < chunks; item += groups)
            NeuronDynamics.Forward(LifKernels.Layer(item, chunks, p), state, x, 1f, decay, o, u, p);
    }

    /// <summary>
    /// BPTT: dx (+)= du for every neuron, and partials[item] = sum over the item's neurons of du[t+1] u[t] (1 - o[t])
    /// for <paramref name="chunks"/> items covering the layer. Launch with groups of the device's group size.
    /// </summary>
    public static void Backward(ArrayView<float> g, ArrayView<float> u, ArrayView<float> w, ArrayView<float> dx,
        ArrayView<float> partials, int chunks, int accumulate, NeuronParameters p)
    {
        var state = NeuronDynamics.AllocateState();
        var shared = GroupReduce.Allocate();
        float decay = Surrogate.Logistic(w[0]);
        int groups = Grid.DimX;
        for (int item = Grid.IdxX; item < chunks; item += groups)
        {
            var sums = NeuronDynamics.Backward(LifKernels.Layer(item, chunks, p), state, NeuronDynamics.Lif, g, u, default, 1f, decay,
                dx, accumulate, p);
            float sum = GroupReduce.Sum(shared, sums.Decay);
            if (Group.IdxX == 0)
                partials[item] = sum;
        }
    }

    /// <summary>One group: dw[0] (+)= lambda (1 - lambda) * sum(partials), lambda = sigmoid(w[0]).</summary>
    public static void DecayGradient(ArrayView<float> partials, ArrayView<float> w, ArrayView<float> dw, int accumulate)
    {
        float sum = 0f;
        for (int i = Group.IdxX; i < partials.IntLength; i += Group.DimX)
            sum += partials[i];
        sum = GroupReduce.Sum(sum);
        if (Group.IdxX == 0)
        {
            float decay = Surrogate.Logistic(w[0]);
            float grad = sum * decay * (1f - decay);
            dw[0] = accumulate != 0 ? dw[0] + grad : grad;
        }
    }
}
