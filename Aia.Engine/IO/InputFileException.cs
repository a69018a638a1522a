namespace Aia.Engine.IO;

/// <summary>
/// A file given to the engine that cannot be used as it is: damaged, truncated, of another format, or declaring
/// sizes it cannot have. One subclass per kind of input (event files, checkpoints, frame caches, dataset files, run
/// folders); the message is always <c>FILE: what is wrong</c>, followed by <c>(offset N)</c> when a byte offset is
/// known, so the command line prints it as <c>aia VERB: FILE: what is wrong (offset N)</c>.
/// </summary>
public abstract class InputFileException(string path, long? offset, string problem, Exception? inner = null)
    : IOException($"{path}: {problem}{(offset is { } at ? $" (offset {at})" : "")}", inner)
{
    /// <summary>The file or folder.</summary>
    public string Path { get; } = path;

    /// <summary>Byte offset of the part that could not be read, when known.</summary>
    public long? Offset { get; } = offset;

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; } = problem;
}

/// <summary>A run folder that cannot be created, resumed or read (<c>--name</c>, <c>--resume</c>, <c>compare --runs</c>).</summary>
public sealed class RunFolderException(string path, string problem) : InputFileException(path, null, problem);

/// <summary>A safetensors file or the training state and metrics stored with a checkpoint that cannot be read.</summary>
public sealed class CheckpointException(string path, long? offset, string problem, Exception? inner = null)
    : InputFileException(path, offset, problem, inner);

/// <summary>A frame cache file that is not one, of another version, or damaged (the engine rebuilds it).</summary>
public sealed class FrameCacheException(string path, long? offset, string problem) : InputFileException(path, offset, problem);

/// <summary>A dataset file other than an event file (IDX images and labels, label lists) that cannot be read.</summary>
public sealed class DatasetFileException(string path, long? offset, string problem, Exception? inner = null)
    : InputFileException(path, offset, problem, inner);
