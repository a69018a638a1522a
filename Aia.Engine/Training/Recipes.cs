using System.Globalization;

namespace Aia.Engine.Training;

/// <summary>
/// Named training recipes: a set of settings a paper used, applied in one option (<c>--recipe NAME</c>) before the
/// options given explicitly, which override it. <c>tet</c> is TET's CIFAR10-DVS recipe (Deng et al., ICLR 2022):
/// VGGSNN at 48x48, T = 10, the triangle surrogate, the TET loss (mean over time of the per-step cross entropy,
/// without the optional MSE regulariser), horizontal flip p 0.5 and roll up to 5 px, Adam with lr 1e-3 and a
/// cosine schedule.
/// </summary>
public static class Recipes
{
    /// <summary>The recipe names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tet"];

    /// <summary><paramref name="c"/> with recipe <paramref name="name"/> applied (Recipe recorded).</summary>
    public static TrainingConfig Apply(TrainingConfig c, string name) => name.Trim().ToLowerInvariant() switch
    {
        "tet" => c with
        {
            Recipe = "tet",
            Model = "vggsnn",
            Size = 48,
            Width = 0,
            NativeSize = false,
            TimeSteps = 10,
            Surrogate = "triangle",
            Loss = "tet",
            Augment = true,
            Augmentation = "flip-roll",
            Optimizer = "adam",
            LearningRate = 1e-3,
            Schedule = "cosine",
        },
        _ => throw new ArgumentException($"unknown recipe '{name}'; known: {string.Join(", ", Names)}."),
    };

    /// <summary>Every setting a recipe fixes, as the run will use it (after explicit overrides).</summary>
    public static string Describe(TrainingConfig c) => string.Create(CultureInfo.InvariantCulture,
        $"model {c.Model}, {(c.NativeSize ? "native size" : c.Size > 0 ? $"{c.Size}x{(c.Width > 0 ? c.Width : c.Size)}" : "the dataset's size")}, T {c.TimeSteps}, surrogate {c.Surrogate}, loss {c.Loss}, " +
        $"augmentation {(c.Augment ? c.Augmentation ?? "the dataset's" : "none")}, {c.Optimizer} lr {c.LearningRate:G} {c.Schedule}, batch {c.BatchSize}, epochs {c.Epochs}, neuron {c.Neuron}");
}
