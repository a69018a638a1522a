using Aia.Engine.Ops;
using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>
/// Dropout with device-drawn masks (<see cref="Regularization.Dropout"/>): in training each forward uses the
/// mask of (seed, <see cref="Step"/>) and advances the step; in evaluation it is the identity.
/// </summary>
/// <param name="p">Drop probability in [0, 1).</param>
/// <param name="seed">Seed of the masks.</param>
/// <param name="sharedOverTime">One mask for all time steps of [T, ...] (per neuron) instead of one per element.</param>
public sealed class Dropout(float p, ulong seed, bool sharedOverTime = false) : Module
{
    /// <summary>Drop probability.</summary>
    public float P { get; } = p is >= 0f and < 1f
        ? p
        : throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: the drop probability must be in [0, 1), got {p}.");

    /// <summary>Seed of the masks.</summary>
    public ulong Seed { get; } = seed;

    /// <summary>Whether the mask is shared over the time axis.</summary>
    public bool SharedOverTime { get; } = sharedOverTime;

    /// <summary>Training forwards so far: the counter the next mask is drawn with (checkpoint it to resume exactly).</summary>
    public long Step { get; set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (!Training || P == 0f)
            return x;
        // A forward rerun by --memory low draws the mask of the forward it repeats.
        return Regularization.Dropout(x, P, Seed, x.Device.Tape.Recomputing ? Step - 1 : Step++, SharedOverTime);
    }
}
