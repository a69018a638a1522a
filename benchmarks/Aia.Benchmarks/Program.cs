using Aia.Benchmarks;
using Aia.Engine.Runtime;

// Kernel microbenchmarks: dotnet run --project benchmarks/Aia.Benchmarks -c Release -- [--device auto|cuda|cpu]
//   [--filter substring] [--scale N] [--iterations N]
// Prints one row per kernel: median time, GFLOP/s and GB/s (bytes that must move: inputs read once, outputs
// written once), with GPU-side timing (profiling markers) on GPUs.
var kind = DeviceKind.Auto;
string filter = "";
int scale = 0, iterations = 20;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--device": kind = Enum.Parse<DeviceKind>(args[++i], ignoreCase: true); break;
        case "--filter": filter = args[++i]; break;
        case "--scale": scale = int.Parse(args[++i]); break;
        case "--iterations": iterations = int.Parse(args[++i]); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; use --device, --filter, --scale, --iterations");
            return 2;
    }
}
using var device = Device.Create(kind, profiling: true);
if (scale == 0)
    scale = device.Kind == DeviceKind.Cpu ? 32 : 1;
Console.WriteLine($"device: {device.Description}; batch scale 1/{scale}; {iterations} iterations, median");
Console.WriteLine($"{"kernel",-28} {"shape",-28} {"ms",10} {"GFLOP/s",10} {"GB/s",10}");
foreach (var c in KernelBenchmarks.All(scale).Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
{
    var run = c.Setup(device);
    double ms = Measure.MedianMs(device, run, iterations: iterations);
    Console.WriteLine($"{c.Name,-28} {c.Shape,-28} {ms,10:F3} {c.Flops / ms / 1e6,10:F1} {c.Bytes / ms / 1e6,10:F1}");
}
return 0;
