using System.IO.MemoryMappedFiles;

namespace Aia.Engine.Data;

/// <summary>
/// One split of a dataset in a <see cref="FrameCache"/> file, memory-mapped: samples are read (float16 to
/// float32) straight from the page cache, from any number of threads.
/// </summary>
public sealed unsafe class MappedFrameDataset : FrameDataset, IDisposable
{
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* data;
    private readonly int[] slots;
    private readonly int[] labels;
    private readonly int[] shape;
    private readonly string[] classNames;
    private bool disposed;

    internal MappedFrameDataset(string path, CacheHeader header, int[] allLabels, long dataOffset)
    {
        Path = path;
        Header = header;
        shape = header.Shape;
        classNames = header.ClassNames;
        slots = Enumerable.Range(0, allLabels.Length).Where(i => allLabels[i] >= 0).ToArray();
        labels = slots.Select(i => allLabels[i]).ToArray();
        map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        data = p + view.PointerOffset + dataOffset;
    }

    /// <summary>The cache file.</summary>
    public string Path { get; }

    /// <summary>Every setting the file was built with.</summary>
    public IReadOnlyDictionary<string, string> Settings => Header.Settings;

    /// <summary>Samples left out because they could not be read.</summary>
    public IReadOnlyList<SkippedSample> Skipped => Header.Skipped;

    /// <summary>Whether this open built the file (false: an up-to-date file was reused).</summary>
    public bool Built { get; internal set; }

    /// <summary>Why the file was (re)built, or null when it was reused.</summary>
    public string? BuildReason { get; internal set; }

    /// <summary>How long the build took (zero when reused).</summary>
    public TimeSpan BuildTime { get; internal set; }

    internal CacheHeader Header { get; }

    /// <inheritdoc/>
    public override int Count => slots.Length;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ClassNames => classNames;

    /// <inheritdoc/>
    public override int[] FrameShape => (int[])shape.Clone();

    /// <inheritdoc/>
    public override int Label(int index)
    {
        CheckIndex(index);
        return labels[index];
    }

    /// <inheritdoc/>
    public override void CopyFrames(int index, Span<float> destination)
    {
        CheckIndex(index);
        ObjectDisposedException.ThrowIf(disposed, this);
        int n = SampleLength;
        if (destination.Length != n)
            throw new ArgumentException($"Destination of {destination.Length} floats for a sample of {n}.");
        var source = new ReadOnlySpan<Half>(data + (long)slots[index] * n * sizeof(Half), n);
        for (int i = 0; i < n; i++) destination[i] = (float)source[i];
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }
}
