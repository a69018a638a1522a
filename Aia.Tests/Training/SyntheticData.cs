using Aia.Engine.Data;
using Aia.Engine.Runtime;
using Aia.Engine.Training;

namespace Aia.Tests.Training;

/// <summary>
/// A separable event set for training tests: class k is a blob of events in quadrant k of an 8x8 sensor, drifting
/// one pixel per frame (ON at its leading edge, OFF behind), with background noise events everywhere.
/// </summary>
public static class SyntheticData
{
    /// <summary>Frames [T, 2, 8, 8] of one sample of class <paramref name="label"/>.</summary>
    public static float[] Sample(int label, int steps, Rng rng)
    {
        const int size = 8;
        var frames = new float[steps * 2 * size * size];
        int qx = label % 2 * 4, qy = label / 2 * 4;
        int x0 = qx + rng.NextInt(2), y0 = qy + rng.NextInt(2);
        for (int t = 0; t < steps; t++)
        {
            for (int dy = 0; dy < 2; dy++)
            for (int dx = 0; dx < 2; dx++)
            {
                int x = Math.Min(size - 1, x0 + dx + t % 2), y = y0 + dy;
                frames[((t * 2 + 1) * size + y) * size + x] += 1f;
                frames[((t * 2 + 0) * size + y) * size + Math.Max(0, x - 1)] += 0.5f;
            }
            for (int k = 0; k < 4; k++)
                frames[((t * 2 + rng.NextInt(2)) * size + rng.NextInt(size)) * size + rng.NextInt(size)] += 1f;
        }
        return frames;
    }

    /// <summary>A dataset of <paramref name="perClass"/> samples of each of the 4 classes.</summary>
    public static ArrayFrameDataset Dataset(int perClass, int steps, ulong seed)
    {
        var rng = new Rng(seed);
        var frames = new List<float>();
        var labels = new List<int>();
        for (int i = 0; i < perClass; i++)
        for (int c = 0; c < 4; c++)
        {
            frames.AddRange(Sample(c, steps, rng));
            labels.Add(c);
        }
        return new ArrayFrameDataset([.. frames], [.. labels], [steps, 2, 8, 8], ["top-left", "top-right", "bottom-left", "bottom-right"]);
    }

    /// <summary>Train and test splits.</summary>
    public static TrainingData Splits(int steps = 3, int trainPerClass = 12, int testPerClass = 6) =>
        new(Dataset(trainPerClass, steps, 11), Dataset(testPerClass, steps, 12));

    /// <summary>A tiny configuration that trains in seconds on the CPU accelerator.</summary>
    public static TrainingConfig Config(string neuron = "cached-aia") => new()
    {
        Dataset = "synthetic",
        Model = "4,A",
        Neuron = neuron,
        TimeSteps = 3,
        BatchSize = 8,
        Epochs = 3,
        LearningRate = 1e-2,
        Augment = false,
        LogInterval = 2,
        Seed = 3,
        ValidationFraction = 0, // 48 samples: all train; selection tests set a hold-out
    };
}
