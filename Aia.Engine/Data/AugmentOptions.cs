using System.Globalization;

namespace Aia.Engine.Data;

/// <summary>
/// Random geometric augmentation of event frames, the same transform for every frame of a sample, and optionally
/// CutMix across the samples of a batch. <see cref="Policy"/> gives the named policies the datasets default to.
/// </summary>
public sealed record AugmentOptions
{
    /// <summary>No augmentation.</summary>
    public static readonly AugmentOptions None = new() { Name = "none", Flip = false, MaxShift = 0 };

    /// <summary>The names <see cref="Policy"/> accepts.</summary>
    public static IReadOnlyList<string> Policies { get; } = ["none", "flip-roll", "roll", "nda", "nda-noflip"];

    /// <summary>
    /// A named policy: <c>none</c>; <c>flip-roll</c>, TET's recipe for CIFAR10-DVS (horizontal flip with p 0.5,
    /// roll by up to 5 px in x and y); <c>roll</c>, the roll alone (digits and gestures, where a mirror image is
    /// another class); <c>nda</c>, neuromorphic data augmentation (Li et al., ECCV 2022): flip, roll, rotation
    /// up to 15 degrees, shear up to 8 degrees, and CutMix of a box of the frames of another sample of the batch
    /// (labels mixed by area) with p 0.5; <c>nda-noflip</c> the same without the flip. <c>NAME:N</c> rolls by up to N
    /// pixels instead of 5.
    /// </summary>
    public static AugmentOptions Policy(string name)
    {
        // NAME:N sets the roll's reach to N pixels (roll:2 for 34x34 digits that the saccades already move)
        var parts = name.Trim().ToLowerInvariant().Split(':');
        var policy = Named(parts[0]);
        if (parts.Length == 1) return policy;
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int shift) || shift > 64)
            throw new ArgumentException($"augmentation '{name}': the roll's reach after ':' must be a whole number of pixels from 0 to 64.");
        return policy with { Name = $"{parts[0]}:{shift}", MaxShift = shift };
    }

    private static AugmentOptions Named(string name) => name switch
    {
        "none" => None,
        "flip-roll" => new() { Name = "flip-roll" },
        "roll" => new() { Name = "roll", Flip = false },
        "nda" => new() { Name = "nda", MaxRotationDegrees = 15, MaxShearDegrees = 8, CutMixProbability = 0.5 },
        "nda-noflip" => new() { Name = "nda-noflip", Flip = false, MaxRotationDegrees = 15, MaxShearDegrees = 8, CutMixProbability = 0.5 },
        _ => throw new ArgumentException($"unknown augmentation '{name}'; use {string.Join(", ", Policies)} (NAME:N rolls up to N px)."),
    };

    /// <summary>The policy's name (for the log), or <c>custom</c>.</summary>
    public string Name { get; init; } = "custom";

    /// <summary>Mirror left-right with probability 1/2.</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Roll (wrap around, like <c>torch.roll</c> in the peers' code) by up to this many pixels in x and y.</summary>
    public int MaxShift { get; init; } = 5;

    /// <summary>Rotate by up to this many degrees either way (NDA; 0 = off). Nearest neighbour, zero fill.</summary>
    public float MaxRotationDegrees { get; init; }

    /// <summary>Shear along x by up to this many degrees either way (NDA; 0 = off). Nearest neighbour, zero fill.</summary>
    public float MaxShearDegrees { get; init; }

    /// <summary>
    /// Probability that a training batch is CutMixed (NDA; 0 = off): one box of area fraction 1 - lambda,
    /// lambda ~ U(0, 1) (Beta(1, 1)), is pasted into every sample from the sample at a rolled position of the batch
    /// (all frames alike), and the loss mixes the two labels by the exact box area.
    /// </summary>
    public double CutMixProbability { get; init; }

    /// <summary>Whether any per-sample transform is on.</summary>
    public bool Enabled => Flip || MaxShift > 0 || MaxRotationDegrees > 0 || MaxShearDegrees > 0;

    /// <summary>What the policy does, in words (printed at the start of a run).</summary>
    public string Describe()
    {
        if (!Enabled && CutMixProbability <= 0) return $"{Name}: no augmentation";
        var parts = new List<string>();
        if (Flip) parts.Add("horizontal flip p 0.5");
        if (MaxShift > 0) parts.Add($"roll up to {MaxShift} px in x and y");
        if (MaxRotationDegrees > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"rotation up to {MaxRotationDegrees:G} deg"));
        if (MaxShearDegrees > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"shear up to {MaxShearDegrees:G} deg"));
        if (CutMixProbability > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"CutMix p {CutMixProbability:G} (labels mixed by area)"));
        return $"{Name}: {string.Join(", ", parts)}";
    }
}
