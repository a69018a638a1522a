using Aia.Engine.Runtime;
using Aia.Kernels;
using ILGPU;

namespace Aia.Engine.Optim;

/// <summary>
/// Adam (Kingma and Ba 2015) with PyTorch's semantics: bias-corrected moments, eps added to the corrected
/// sqrt(v), and weight decay as an L2 term added to the gradient. State: exp_avg and exp_avg_sq per parameter.
/// The paper's recipe (via TET) is Adam with lr 1e-3 and a cosine schedule.
/// </summary>
public class Adam : Optimizer
{
    private readonly Tensor[] expAvg, expAvgSq;

    /// <summary>Creates Adam over <paramref name="parameters"/>.</summary>
    public Adam(Device device, IEnumerable<(string Name, Tensor Tensor)> parameters, double learningRate = 1e-3,
        double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : this(device, parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: false)
    {
    }

    /// <summary>Creates Adam (L2 decay) or AdamW (<paramref name="decoupled"/> decay).</summary>
    protected Adam(Device device, IEnumerable<(string Name, Tensor Tensor)> parameters, double learningRate, double beta1,
        double beta2, double eps, double weightDecay, bool decoupled)
        : base(device, parameters, learningRate)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1 || eps < 0 || weightDecay < 0)
            throw new ArgumentOutOfRangeException(nameof(parameters),
                $"{GetType().Name}: need 0 <= beta1, beta2 < 1 and eps, weight decay >= 0 (got {beta1}, {beta2}, {eps}, {weightDecay}).");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = eps;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
        expAvg = CreateState("exp_avg");
        expAvgSq = CreateState("exp_avg_sq");
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the bias-corrected sqrt(v).</summary>
    public double Epsilon { get; }

    /// <summary>Weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the decay is decoupled (AdamW) rather than an L2 term of the gradient (Adam).</summary>
    public bool Decoupled { get; }

    /// <inheritdoc/>
    protected override void Update(int index, Tensor parameter, Tensor gradient, long step, ArrayView<float> gradScale)
    {
        var s = new AdamScalars((float)LearningRate, (float)Beta1, (float)Beta2, (float)Epsilon, (float)WeightDecay,
            Decoupled ? 1 : 0, (float)(LearningRate / (1 - Math.Pow(Beta1, step))), (float)Math.Sqrt(1 - Math.Pow(Beta2, step)));
        Device.Launch(OptimizerKernels.AdamStep, Device.GridStride(parameter.Length), parameter.View, gradient.View,
            expAvg[index].View, expAvgSq[index].View, gradScale, s);
    }
}
