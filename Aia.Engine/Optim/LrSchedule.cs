namespace Aia.Engine.Optim;

/// <summary>
/// A learning rate as a pure function of a counter t (steps or epochs, whichever the trainer advances it by), so
/// a resumed run recomputes it from the saved counter. The trainer sets <see cref="Optimizer.LearningRate"/> to
/// <see cref="At"/>(t) before the step or epoch t.
/// </summary>
public abstract class LrSchedule
{
    /// <summary>The learning rate at t = 0, 1, ...</summary>
    public abstract double At(long t);

    /// <summary>This schedule after a linear warm-up of <paramref name="steps"/> (see <see cref="WarmupSchedule"/>).</summary>
    public LrSchedule WithWarmup(long steps, double startFactor = 0) => steps > 0 ? new WarmupSchedule(this, steps, startFactor) : this;
}
