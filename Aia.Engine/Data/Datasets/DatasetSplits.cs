namespace Aia.Engine.Data.Datasets;

/// <summary>The train and test splits of an opened dataset (memory-mapped caches; dispose to unmap).</summary>
public sealed class DatasetSplits(MappedFrameDataset train, MappedFrameDataset test) : IDisposable
{
    /// <summary>The training split.</summary>
    public MappedFrameDataset Train { get; } = train;

    /// <summary>The test split.</summary>
    public MappedFrameDataset Test { get; } = test;

    /// <summary>Unmaps both caches.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
