namespace Aia.Engine.Optim;

/// <summary>
/// Cosine annealing (Loshchilov and Hutter 2017, torch.optim.lr_scheduler.CosineAnnealingLR's closed form):
/// lr(t) = etaMin + (base - etaMin) (1 + cos(pi t / tMax)) / 2, reaching etaMin at t = tMax.
/// </summary>
public sealed class CosineSchedule : LrSchedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineSchedule(double baseLearningRate, long tMax, double etaMin = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tMax, 1);
        BaseLearningRate = baseLearningRate;
        TMax = tMax;
        EtaMin = etaMin;
    }

    /// <summary>The learning rate at t = 0.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The half period.</summary>
    public long TMax { get; }

    /// <summary>The learning rate at t = tMax.</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    public override double At(long t) => EtaMin + (BaseLearningRate - EtaMin) * (1 + Math.Cos(Math.PI * t / TMax)) / 2;
}
