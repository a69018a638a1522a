namespace Aia.Engine.Optim;

/// <summary>Step decay (torch.optim.lr_scheduler.StepLR): lr(t) = base * gamma^floor(t / stepSize).</summary>
public sealed class StepSchedule : LrSchedule
{
    /// <summary>Creates the schedule.</summary>
    public StepSchedule(double baseLearningRate, long stepSize, double gamma = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        BaseLearningRate = baseLearningRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>The learning rate at t = 0.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The period of the decay.</summary>
    public long StepSize { get; }

    /// <summary>The factor applied every <see cref="StepSize"/>.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double At(long t) => BaseLearningRate * Math.Pow(Gamma, t / StepSize);
}
