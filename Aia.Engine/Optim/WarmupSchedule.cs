namespace Aia.Engine.Optim;

/// <summary>
/// A linear warm-up before another schedule, like PyTorch's SequentialLR of LinearLR(startFactor, total_iters = W)
/// and the schedule: lr(t) = after(0) * (startFactor + (1 - startFactor) t / W) for t &lt; W, then after(t - W).
/// </summary>
public sealed class WarmupSchedule : LrSchedule
{
    /// <summary>Creates the schedule.</summary>
    public WarmupSchedule(LrSchedule after, long warmupSteps, double startFactor = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(warmupSteps, 1);
        if (startFactor is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(startFactor), $"Warm-up start factor must be in [0, 1], got {startFactor}.");
        After = after;
        WarmupSteps = warmupSteps;
        StartFactor = startFactor;
    }

    /// <summary>The schedule after the warm-up (its t starts at 0 when the warm-up ends).</summary>
    public LrSchedule After { get; }

    /// <summary>Length of the warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>The fraction of the first learning rate at t = 0.</summary>
    public double StartFactor { get; }

    /// <inheritdoc/>
    public override double At(long t) => t < WarmupSteps
        ? After.At(0) * (StartFactor + (1 - StartFactor) * t / WarmupSteps)
        : After.At(t - WarmupSteps);
}
