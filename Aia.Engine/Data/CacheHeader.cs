namespace Aia.Engine.Data;

/// <summary>The JSON header of a <see cref="FrameCache"/> file.</summary>
internal sealed class CacheHeader
{
    /// <summary>Every setting that decides the content; a cache is reused only when all are equal.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    /// <summary>Class names.</summary>
    public string[] ClassNames { get; set; } = [];

    /// <summary>[T, 2, H, W].</summary>
    public int[] Shape { get; set; } = [];

    /// <summary>Samples left out.</summary>
    public List<SkippedSample> Skipped { get; set; } = [];
}
