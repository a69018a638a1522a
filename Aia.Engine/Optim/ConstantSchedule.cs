namespace Aia.Engine.Optim;

/// <summary>A constant learning rate.</summary>
/// <param name="learningRate">The learning rate.</param>
public sealed class ConstantSchedule(double learningRate) : LrSchedule
{
    /// <inheritdoc/>
    public override double At(long t) => learningRate;
}
