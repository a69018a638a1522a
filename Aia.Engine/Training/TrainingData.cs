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

    /// <summary>
    /// The frame shape [T, 2, H, W] and class count that <see cref="Open"/> would give for <paramref name="c"/>, without
    /// building or reading a frame cache: from the options and the dataset's definition, or, for <c>--size native</c>,
    /// the sensor size from the dataset's file list (Source says which).
    /// </summary>
    public static (int[] FrameShape, int Classes, string Source) ShapeOf(TrainingConfig c)
    {
        var info = DatasetCatalog.Find(c.Dataset);
        if (c.NativeSize)
        {
            var corpus = DatasetCatalog.Scan(info.Name, c.Root, new DatasetOptions { Limit = c.LimitPerClass, SplitRule = c.SplitRule, SplitSeed = c.SplitSeed });
            return ([c.TimeSteps, 2, corpus.Sensor.Height, corpus.Sensor.Width], corpus.ClassNames.Count(),
                $"shapes from the options; the sensor size and classes from the file list of {c.Root ?? info.Name} (no events read, no frame cache built)");
        }
        var frames = DatasetCatalog.Framing(info, new DatasetOptions
        {
            Frames = c.TimeSteps,
            Height = c.Size > 0 ? c.Size : null,
            Width = c.Width > 0 ? c.Width : c.Size > 0 ? c.Size : null,
        });
        return ([frames.Frames, 2, frames.Height, frames.Width], info.Classes, "shapes from the options and the dataset's definition (no data read)");
    }

    /// <inheritdoc/>
    public void Dispose() => Owner?.Dispose();
}
