using Aia.Engine.Runtime;
using Aia.Kernels;
using ILGPU;

namespace Aia.Engine.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch's semantics: weight decay as an L2 term, momentum buffer started
/// as the first gradient, optional dampening and Nesterov momentum. State: momentum_buffer (when momentum &gt; 0).
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[]? buffers;

    /// <summary>Creates SGD over <paramref name="parameters"/>.</summary>
    public Sgd(Device device, IEnumerable<(string Name, Tensor Tensor)> parameters, double learningRate, double momentum = 0,
        double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(device, parameters, learningRate)
    {
        if (momentum < 0 || weightDecay < 0)
            throw new ArgumentOutOfRangeException(nameof(momentum), $"Sgd: momentum ({momentum}) and weight decay ({weightDecay}) must be >= 0.");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"Sgd: Nesterov momentum needs momentum > 0 and dampening 0 (got {momentum}, {dampening}).");
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        if (momentum > 0)
            buffers = CreateState("momentum_buffer");
    }

    /// <summary>Momentum.</summary>
    public double Momentum { get; }

    /// <summary>Dampening of the gradient in the momentum buffer.</summary>
    public double Dampening { get; }

    /// <summary>L2 weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the momentum is Nesterov's.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void Update(int index, Tensor parameter, Tensor gradient, long step, ArrayView<float> gradScale)
    {
        var s = new SgdScalars((float)LearningRate, (float)Momentum, (float)Dampening, (float)WeightDecay, Nesterov ? 1 : 0,
            step == 1 ? 1 : 0);
        var buffer = buffers?[index].View ?? parameter.View;
        Device.Launch(OptimizerKernels.SgdStep, Device.GridStride(parameter.Length), parameter.View, gradient.View, buffer, gradScale, s);
    }
}
