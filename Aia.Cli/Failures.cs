using Aia.Engine.Data;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Aia.Cli;

/// <summary>Turns the failures a user can cause or meet into one clear line (null: a bug, let it surface).</summary>
public static class Failures
{
    /// <summary>
    /// The message for <paramref name="e"/>, or null when it is not an expected failure (a bug) or a usage error
    /// (<see cref="UsageException"/>: the program prints it with exit code 2).
    /// </summary>
    public static string? Describe(Exception e) => e switch
    {
        _ when IsOutOfMemory(e) =>
            $"the device ran out of memory ({e.Message.Trim()}). Try a smaller --batch (e.g. half), fewer --timesteps or a smaller --size.",
        TrainingDivergedException or DeviceUnavailableException or EventFileException or BadSamplesException => e.Message,
        FileNotFoundException or DirectoryNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException => e.Message,
        ArgumentException => e.Message,
        _ => null,
    };

    /// <summary>Whether <paramref name="e"/> (or an inner exception) is a device or host allocation failure.</summary>
    public static bool IsOutOfMemory(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is OutOfMemoryException or InsufficientExecutionStackException)
                return true;
            if (x is CudaException cuda && cuda.Error == nameof(CudaError.CUDA_ERROR_OUT_OF_MEMORY))
                return true;
            if (x is ILGPU.Runtime.AcceleratorException && x.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
