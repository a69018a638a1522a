namespace Aia.Engine.Models;

/// <summary>How a training step trades time for device memory (<c>--memory</c>, see docs/memory.md).</summary>
public enum MemoryMode
{
    /// <summary>The fastest: each layer keeps what its backward needs (conv outputs, spike bits) between forward and backward.</summary>
    Default,

    /// <summary>
    /// Segment checkpointing (<see cref="Autodiff.SegmentCheckpoint"/>): only each segment's input is kept (spikes as bits),
    /// and the backward reruns the segment's forward before its backward. The same gradients bit for bit, more time.
    /// </summary>
    Low,
}

/// <summary>Parsing and printing of <see cref="MemoryMode"/> names (default, low).</summary>
public static class MemoryModes
{
    /// <summary>The command-line name.</summary>
    public static string Name(this MemoryMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>Parses default or low.</summary>
    public static MemoryMode Parse(string name) =>
        name.Trim().ToLowerInvariant() switch
        {
            "default" => MemoryMode.Default,
            "low" => MemoryMode.Low,
            _ => throw new ArgumentException($"Unknown memory mode '{name}'; use default or low."),
        };
}
