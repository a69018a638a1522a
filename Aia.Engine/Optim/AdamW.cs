using Aia.Engine.Runtime;

namespace Aia.Engine.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019) with PyTorch's semantics: Adam without the L2 term, the parameter decayed
/// by p *= 1 - lr * wd before the update (default wd 0.01).
/// </summary>
public sealed class AdamW(Device device, IEnumerable<(string Name, Tensor Tensor)> parameters, double learningRate = 1e-3,
    double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
    : Adam(device, parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: true);
