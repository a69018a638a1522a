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

/// <summary>The <c>--precision</c> option of train, eval and verify.</summary>
public static class PrecisionOptions
{
    /// <summary>The option's help text.</summary>
    public const string Help = "auto | fp32 | tf32 | bf16: input format of the convolutions and linear layers on CUDA (tensor cores for tf32/bf16, FP32 accumulation; auto = tf32 on CUDA). The CPU computes fp32.";

    /// <summary>auto (null: the device's default), fp32, tf32 or bf16; anything else is a usage error naming the option.</summary>
    public static Precision? Parse(string value)
    {
        if (string.Equals(value, "auto", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            return Precisions.Parse(value);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.Replace("fp32, tf32 or bf16", "auto, fp32, tf32 or bf16", StringComparison.Ordinal));
        }
    }
}

/// <summary>A command line that parsed but makes no sense (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
