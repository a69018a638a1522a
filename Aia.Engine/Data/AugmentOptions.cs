namespace Aia.Engine.Data;

/// <summary>Random geometric augmentation of event frames, the same transform for every frame of a sample.</summary>
public sealed record AugmentOptions
{
    /// <summary>No augmentation.</summary>
    public static readonly AugmentOptions None = new() { Flip = false, MaxShift = 0 };

    /// <summary>Mirror left-right with probability 1/2.</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Roll (wrap around, like <c>torch.roll</c> in the peers' code) by up to this many pixels in x and y.</summary>
    public int MaxShift { get; init; } = 5;

    /// <summary>Rotate by up to this many degrees either way (NDA; 0 = off). Nearest neighbour, zero fill.</summary>
    public float MaxRotationDegrees { get; init; }

    /// <summary>Shear along x by up to this many degrees either way (NDA; 0 = off). Nearest neighbour, zero fill.</summary>
    public float MaxShearDegrees { get; init; }

    /// <summary>Whether any augmentation is on.</summary>
    public bool Enabled => Flip || MaxShift > 0 || MaxRotationDegrees > 0 || MaxShearDegrees > 0;
}
