using Aia.Engine.Runtime;
using Aia.Engine.Verification;
using CommandLine;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia verify</c>.</summary>
[Verb("verify", HelpText = "Run every kernel against its C# reference (and finite differences) on a device at realistic sizes.")]
public sealed class VerifyOptions
{
    /// <summary>Accelerator.</summary>
    [Option("device", Default = DeviceKind.Auto, HelpText = "auto | cuda | opencl | cpu")]
    public DeviceKind Device { get; set; }

    /// <summary>Batch divisor.</summary>
    [Option("scale", Default = 0, HelpText = "Divide the realistic batch sizes by this (default: 1 on GPUs, 16 on the CPU).")]
    public int Scale { get; set; }

    /// <summary>Precisions to check.</summary>
    [Option("precision", Default = "auto", HelpText = "auto | all | fp32 | tf32 | bf16: the matrix products' input format (auto: all three on CUDA, fp32 elsewhere; the CPU computes fp32).")]
    [Aia.Cli.Validation.OneOf("auto", "all", "fp32", "tf32", "bf16")]
    public string Precision { get; set; } = "auto";

    /// <summary>Name filter.</summary>
    [Option("filter", Default = "", HelpText = "Only checks whose name contains this.")]
    public string Filter { get; set; } = "";
}

/// <summary>Runs the kernel checks and prints max abs/rel error per kernel.</summary>
public static class VerifyCommand
{
    /// <summary>Exit 0 when every check passes, 1 otherwise.</summary>
    public static int Run(VerifyOptions o)
    {
        Precision[] precisions;
        try
        {
            precisions = o.Precision.ToLowerInvariant() switch
            {
                "all" => [Precision.Fp32, Precision.Tf32, Precision.Bf16],
                "auto" => [],
                _ => [PrecisionOptions.Parse(o.Precision)!.Value],
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"aia verify: {e.Message}");
            return 2;
        }
        int failed = 0;
        using (var probe = Device.Create(o.Device, precision: precisions.Length > 0 ? precisions[0] : null))
        {
            if (precisions.Length == 0)
                precisions = probe.Kind == DeviceKind.Cuda ? [Precision.Fp32, Precision.Tf32, Precision.Bf16] : [Precision.Fp32];
            if (probe.Kind != DeviceKind.Cuda && precisions.Any(p => p != Precision.Fp32))
                Console.WriteLine("note: this device computes fp32; tf32 and bf16 are CUDA tensor-core formats");
        }
        foreach (var precision in precisions.Distinct())
        {
            using var device = Device.Create(o.Device, precision: precision);
            failed += Run(o, device);
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Every check on <paramref name="device"/>; the number that failed.</summary>
    private static int Run(VerifyOptions o, Device device)
    {
        int scale = o.Scale > 0 ? o.Scale : device.Kind == DeviceKind.Cpu ? 16 : 1;
        Console.WriteLine($"device: {device.Description}; batch scale 1/{scale}");
        if (device.TensorCoreCheck is { } selfCheck)
            Console.WriteLine($"tensor cores: {selfCheck}");
        Console.WriteLine($"{"check",-34} {"shape",-30} {"max abs",10} {"max rel",10}  result");
        int failed = 0, total = 0;
        foreach (var check in KernelChecks.All(scale, device.Precision).Where(c => c.Name.Contains(o.Filter, StringComparison.OrdinalIgnoreCase)))
        {
            device.Arena.Reset();
            total++;
            string result;
            try
            {
                var c = check.Run(device);
                result = c.Passed ? "ok" : $"FAILED (worst [{c.WorstIndex}]: {c.WorstActual:G6} vs {c.WorstExpected:G6})";
                if (!c.Passed) failed++;
                Console.WriteLine($"{check.Name,-34} {check.Shape,-30} {c.MaxAbsError,10:E2} {c.MaxRelError,10:E2}  {result}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{check.Name,-34} {check.Shape,-30} {"-",10} {"-",10}  ERROR {e.GetType().Name}: {e.Message}");
            }
        }
        Console.WriteLine($"{total - failed} of {total} checks passed on {device.Kind} ({device.Precision.Name()})");
        return failed;
    }
}
