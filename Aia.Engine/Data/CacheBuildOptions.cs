namespace Aia.Engine.Data;

/// <summary>How a cache is built.</summary>
public sealed record CacheBuildOptions
{
    /// <summary>Leave out samples that cannot be read (listed in the header) instead of failing.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Build even when an up-to-date file exists.</summary>
    public bool Rebuild { get; init; }

    /// <summary>Called with (samples done, total) from worker threads while building; must be thread-safe.</summary>
    public Action<int, int>? Progress { get; init; }

    /// <summary>Worker threads (0 = one per core).</summary>
    public int Threads { get; init; }
}
