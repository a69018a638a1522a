using Aia.Engine.Runtime;

namespace Aia.Cli;

/// <summary>Parsing of the --device option.</summary>
public static class DeviceOptions
{
    /// <summary>auto, cuda, opencl or cpu; anything else is a usage error naming the option.</summary>
    public static DeviceKind Parse(string value) =>
        Enum.TryParse<DeviceKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new UsageException($"--device: unknown device '{value}'; use auto, cuda, opencl or cpu.");
}

/// <summary>A command line that parsed but makes no sense (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
