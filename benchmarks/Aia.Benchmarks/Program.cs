using Aia.Benchmarks;
using Aia.Engine.Runtime;

// Kernel microbenchmarks: dotnet run --project benchmarks/Aia.Benchmarks -c Release -- [--device auto|cuda|cpu]
//   [--filter substring] [--scale N] [--iterations N] [--json: also one JSON line per kernel]
// Prints one row per kernel: median time, GFLOP/s and GB/s (bytes that must move: inputs read once, outputs
// written once), with GPU-side timing (profiling markers) on GPUs.
// End-to-end training step (the PyTorch peer's measurement): ... -- step [--model vggsnn] [--neuron lif]
//   [-T 10] [--size 64] [--batch 32] [--device ...] [--iterations N] [--dry-run: memory plan only, no kernels]
//   [--no-plan: do not size the arena by a dry run first] [--quick: one timed step, no inference or layer timing]
//   [--kernels: also the time of every kernel of a step, each launch synchronised]
//   [--memory default|low: low = segment checkpointing, the backward reruns each segment's forward]
// Both take --precision fp32|tf32|bf16 (default tf32 on CUDA; the CPU computes fp32).
var kind = DeviceKind.Auto;
Precision? precision = null;
string filter = "", model = "small", neuron = "cached-aia";
int scale = 0, iterations = 20, steps = 6, size = 32, batch = 32;
bool step = args.Length > 0 && args[0] == "step", json = false;
bool dryRun = false, plan = true, quick = false, kernels = false;
var memory = Aia.Engine.Models.MemoryMode.Default;
for (int i = step ? 1 : 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--device": kind = Enum.Parse<DeviceKind>(args[++i], ignoreCase: true); break;
        case "--precision": precision = Precisions.Parse(args[++i]); break;
        case "--json" when !step: json = true; break;
        case "--filter": filter = args[++i]; break;
        case "--scale": scale = int.Parse(args[++i]); break;
        case "--iterations": iterations = int.Parse(args[++i]); break;
        case "--model" when step: model = args[++i]; break;
        case "--neuron" when step: neuron = args[++i]; break;
        case "-T" when step: steps = int.Parse(args[++i]); break;
        case "--size" when step: size = int.Parse(args[++i]); break;
        case "--batch" when step: batch = int.Parse(args[++i]); break;
        case "--dry-run" when step: dryRun = true; break;
        case "--no-plan" when step: plan = false; break;
        case "--quick" when step: quick = true; break;
        case "--kernels" when step: kernels = true; break;
        case "--memory" when step: memory = Aia.Engine.Models.MemoryModes.Parse(args[++i]); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; use --device, --filter, --scale, --iterations (kernels) " +
                                    "or step --model --neuron -T --size --batch --device --iterations --dry-run --no-plan --quick --kernels --memory; " +
                                    "--precision fp32|tf32|bf16 for both");
            return 2;
    }
}
if (step)
{
    using var stepDevice = Device.Create(kind, precision: precision);
    return StepBenchmark.Run(stepDevice, model, neuron, steps, size, batch, iterations, dryRun, plan, quick, memory, kernels);
}
using var device = Device.Create(kind, profiling: true, precision: precision);
if (scale == 0)
    scale = device.Kind == DeviceKind.Cpu ? 32 : 1;
Console.WriteLine($"device: {device.Description}; batch scale 1/{scale}; {iterations} iterations, median");
Console.WriteLine($"{"kernel",-38} {"shape",-28} {"ms",10} {"GFLOP/s",10} {"GB/s",10}");
foreach (var c in KernelBenchmarks.All(scale).Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
{
    var run = c.Setup(device);
    double ms = Measure.MedianMs(device, run, iterations: iterations);
    Console.WriteLine($"{c.Name,-38} {c.Shape,-28} {ms,10:F3} {c.Flops / ms / 1e6,10:F1} {c.Bytes / ms / 1e6,10:F1}");
    if (json)
    {
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["peer"] = "aia-kernel-" + device.Kind.ToString().ToLowerInvariant(),
            ["kernel"] = c.Name,
            ["shape"] = c.Shape,
            ["precision"] = device.Precision.Name(),
            ["ms"] = Math.Round(ms, 4),
            ["gflops"] = Math.Round(c.Flops / ms / 1e6, 1),
            ["gbps"] = Math.Round(c.Bytes / ms / 1e6, 1),
        }));
    }
}
return 0;
