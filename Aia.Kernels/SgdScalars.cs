namespace Aia.Kernels;

/// <summary>The scalars of one SGD step of one parameter tensor (PyTorch semantics).</summary>
/// <param name="LearningRate">lr.</param>
/// <param name="Momentum">Momentum (0: plain SGD, the buffer is not touched).</param>
/// <param name="Dampening">Dampening of the gradient in the momentum buffer.</param>
/// <param name="WeightDecay">wd: adds wd * p to the gradient.</param>
/// <param name="Nesterov">1 for Nesterov momentum.</param>
/// <param name="FirstStep">1 on the parameter's first step: the buffer starts as the gradient (no dampening).</param>
public readonly record struct SgdScalars(
    float LearningRate, float Momentum, float Dampening, float WeightDecay, int Nesterov, int FirstStep);
