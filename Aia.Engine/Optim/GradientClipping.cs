using Aia.Engine.Runtime;
using Aia.Kernels;
using KernelConfig = ILGPU.KernelConfig;

namespace Aia.Engine.Optim;

/// <summary>
/// Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_) on the device: the squared norms of all
/// gradients are reduced deterministically (per-group partials of every tensor, then one group adds them in
/// order) into <see cref="Norm"/>, and <see cref="Scale"/> = min(1, maxNorm / (norm + 1e-6)) is a device scalar
/// the optimizer's update kernels multiply the gradients by. Nothing is read back; read <see cref="Norm"/> when
/// logging.
/// </summary>
public sealed class GradientClipping : IDisposable
{
    /// <summary>Creates the device scalars.</summary>
    public GradientClipping(Device device, float maxNorm)
    {
        if (!(maxNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), $"GradientClipping: the maximum norm must be positive, got {maxNorm}.");
        Device = device;
        MaxNorm = maxNorm;
        Norm = Tensor.Persistent(device, new Shape(1), "grad_norm");
        Scale = Tensor.Persistent(device, new Shape(1), "grad_scale");
        Init.Constant(Scale, 1f);
    }

    /// <summary>The device.</summary>
    public Device Device { get; }

    /// <summary>The largest global gradient norm let through.</summary>
    public float MaxNorm { get; }

    /// <summary>The global norm of the gradients of the last <see cref="Compute"/> (before clipping).</summary>
    public Tensor Norm { get; }

    /// <summary>The factor the gradients are multiplied by.</summary>
    public Tensor Scale { get; }

    /// <summary>
    /// Computes <see cref="Norm"/> and <see cref="Scale"/> from the gradients of <paramref name="parameters"/> that
    /// received one since their last <see cref="Tensor.ZeroGrad"/> (the others are left out, as PyTorch leaves out
    /// parameters whose grad is None).
    /// </summary>
    public void Compute(IEnumerable<Tensor> parameters)
    {
        var d = Device;
        var gradients = parameters.Where(p => p.HasGrad).Select(p => p.Grad!).ToList();
        var configs = gradients.Select(g => d.GridStride(g.Length)).ToList();
        var partials = d.Arena.Allocate<float>(configs.Sum(c => (long)c.GridDim.X));
        long offset = 0;
        for (int i = 0; i < gradients.Count; i++)
        {
            int groups = configs[i].GridDim.X;
            d.Launch(ReductionKernels.SumOfSquaresPartials, configs[i], gradients[i].View, partials.SubView(offset, groups));
            offset += groups;
        }
        d.Launch(OptimizerKernels.ClipScale, new KernelConfig(1, d.GroupSize), partials, Norm.View, Scale.View, MaxNorm);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Norm.Dispose();
        Scale.Dispose();
    }
}
