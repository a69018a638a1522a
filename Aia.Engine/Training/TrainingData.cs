using Aia.Engine.Data;
using Aia.Engine.Data.Datasets;

namespace Aia.Engine.Training;

/// <summary>The splits a <see cref="Trainer"/> works on: from the dataset catalog, or given directly (tests, custom data).</summary>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split.</param>
/// <param name="Owner">What to dispose when training ends (the memory-mapped caches), if anything.</param>
public sealed record TrainingData(FrameDataset Train, FrameDataset Test, IDisposable? Owner = null) : IDisposable
{
    /// <summary>Opens the dataset named in <paramref name="c"/> with its framing (building caches if needed).</summary>
    public static TrainingData Open(TrainingConfig c, Action<string, int, int>? progress = null)
    {
        var splits = DatasetCatalog.Open(c.Dataset, c.Root, new DatasetOptions
        {
            Frames = c.TimeSteps,
            Height = c.Size > 0 ? c.Size : null,
            Width = c.Width > 0 ? c.Width : c.Size > 0 ? c.Size : null,
            NativeSize = c.NativeSize,
            SplitRule = c.SplitRule,
            SplitSeed = c.SplitSeed,
            Limit = c.LimitPerClass,
            Progress = progress,
            CacheDirectory = c.Cache,
            SkipBad = c.SkipBad,
        });
        return new TrainingData(splits.Train, splits.Test, splits);
    }

    /// <inheritdoc/>
    public void Dispose() => Owner?.Dispose();
}
