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
        using var device = Device.Create(o.Device);
        int scale = o.Scale > 0 ? o.Scale : device.Kind == DeviceKind.Cpu ? 16 : 1;
        Console.WriteLine($"device: {device.Description}; batch scale 1/{scale}");
        Console.WriteLine($"{"check",-34} {"shape",-30} {"max abs",10} {"max rel",10}  result");
        int failed = 0, total = 0;
        foreach (var check in KernelChecks.All(scale).Where(c => c.Name.Contains(o.Filter, StringComparison.OrdinalIgnoreCase)))
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
        Console.WriteLine($"{total - failed} of {total} checks passed on {device.Kind}");
        return failed == 0 ? 0 : 1;
    }
}
