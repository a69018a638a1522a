namespace Aia.Engine.Data;

/// <summary>
/// An event file that is corrupt, truncated or not in the format its reader expects. The message names the file
/// and the byte offset where the problem was found.
/// </summary>
public sealed class EventFileException(string path, long offset, string problem)
    : IOException($"{path}: {problem} (at byte {offset})")
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>Byte offset of the header line, packet or event that could not be read.</summary>
    public long Offset { get; } = offset;

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; } = problem;
}
