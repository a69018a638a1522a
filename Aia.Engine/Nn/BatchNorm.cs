using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>
/// Batch normalisation with statistics shared over time (tdBN, TET): time is folded into the batch, so the mean
/// and variance of a channel are taken over T, N and the spatial positions. Parameters weight (1) and bias (0),
/// buffers running_mean (0) and running_var (1) as in PyTorch; momentum 0.1 and eps 1e-5 by default.
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>Creates the parameters and buffers for <paramref name="features"/> channels.</summary>
    protected BatchNorm(Device device, int features, float eps, float momentum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
        Eps = eps;
        Momentum = momentum;
        var shape = new Shape(features);
        Weight = CreateParameter(device, shape, "weight");
        Bias = CreateParameter(device, shape, "bias");
        RunningMean = Tensor.Persistent(device, shape, "running_mean");
        RunningVar = Tensor.Persistent(device, shape, "running_var");
        Init.Constant(Weight, 1f);
        Init.Constant(RunningVar, 1f);
    }

    /// <summary>Number of channels (features).</summary>
    public int Features { get; }

    /// <summary>Added to the variance.</summary>
    public float Eps { get; }

    /// <summary>Weight of the batch statistics in the running update.</summary>
    public float Momentum { get; }

    /// <summary>gamma, per channel.</summary>
    public Tensor Weight { get; }

    /// <summary>beta, per channel.</summary>
    public Tensor Bias { get; }

    /// <summary>Running mean (evaluation statistics).</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running unbiased variance (evaluation statistics).</summary>
    public Tensor RunningVar { get; }

    /// <summary>Normalises x [B, C, ...] (time already folded into B) and restores <paramref name="shape"/>.</summary>
    protected Tensor Normalize(Tensor folded, Shape shape, string module)
    {
        if (folded.Shape[1] != Features)
            throw new ArgumentException($"{module}({Features}): input {shape} has {folded.Shape[1]} channels.");
        var y = Normalization.BatchNorm(folded, Weight, Bias, RunningMean, RunningVar, Training, Momentum, Eps);
        if (y.Shape == shape)
            return y;
        folded.Intermediate = true;
        y.Intermediate = true;
        folded.Consumed();
        return Elementwise.Reshape(y, shape);
    }

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor Tensor)> OwnParameters() => [("weight", Weight), ("bias", Bias)];

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor Tensor)> OwnBuffers() =>
        [("running_mean", RunningMean), ("running_var", RunningVar)];
}
