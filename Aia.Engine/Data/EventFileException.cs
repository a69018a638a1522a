using Aia.Engine.IO;

namespace Aia.Engine.Data;

/// <summary>
/// An event file that is corrupt, truncated or not in the format its reader expects. The message names the file
/// and the byte offset where the problem was found.
/// </summary>
public sealed class EventFileException(string path, long offset, string problem) : InputFileException(path, offset, problem)
{
    /// <summary>Byte offset of the header line, packet or event that could not be read.</summary>
    public new long Offset { get; } = offset;
}
