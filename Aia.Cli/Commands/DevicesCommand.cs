using Aia.Engine.Runtime;
using CommandLine;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia devices</c>.</summary>
[Verb("devices", HelpText = "List the accelerators ILGPU sees (CUDA, OpenCL, CPU) and which one --device auto picks.")]
public sealed class DevicesOptions
{
}

/// <summary>Lists accelerators.</summary>
public static class DevicesCommand
{
    /// <summary>Prints one line per accelerator.</summary>
    public static int Run(DevicesOptions options)
    {
        var devices = Device.List();
        var auto = devices.Any(d => d.Kind == DeviceKind.Cuda) ? DeviceKind.Cuda : DeviceKind.Cpu;
        Console.WriteLine($"{"kind",-7} {"name",-40} {"memory",12} {"warp",5} {"SMs",5} {"threads/group",14}  details");
        foreach (var d in devices)
        {
            string memory = d.MemoryBytes == long.MaxValue ? "host" : $"{d.MemoryBytes / (1 << 20)} MiB";
            Console.WriteLine($"{d.Kind,-7} {Truncate(d.Name, 40),-40} {memory,12} {d.WarpSize,5} {d.Multiprocessors,5} {d.MaxThreadsPerGroup,14}  {d.Details}");
        }
        Console.WriteLine($"--device auto uses: {auto}");
        return 0;
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
