namespace Aia.Kernels;

/// <summary>
/// The scalars of one Adam or AdamW step of one parameter tensor (PyTorch semantics), computed on the host from
/// the learning rate and the parameter's step count t.
/// </summary>
/// <param name="LearningRate">lr.</param>
/// <param name="Beta1">First-moment decay.</param>
/// <param name="Beta2">Second-moment decay.</param>
/// <param name="Epsilon">Added to the bias-corrected sqrt(v).</param>
/// <param name="WeightDecay">wd: Adam adds wd * p to the gradient, AdamW multiplies p by 1 - lr * wd.</param>
/// <param name="Decoupled">1 for AdamW's decoupled decay, 0 for Adam's L2 term.</param>
/// <param name="StepSize">lr / (1 - beta1^t).</param>
/// <param name="BiasCorrection2Sqrt">sqrt(1 - beta2^t).</param>
public readonly record struct AdamScalars(
    float LearningRate, float Beta1, float Beta2, float Epsilon, float WeightDecay, int Decoupled, float StepSize,
    float BiasCorrection2Sqrt);
