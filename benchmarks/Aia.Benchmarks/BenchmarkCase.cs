using Aia.Engine.Runtime;

namespace Aia.Benchmarks;

/// <summary>
/// One kernel benchmark: a name, the shape it runs at, the work it does (FLOPs and bytes that must move), and a
/// setup that allocates its inputs and returns the launch to time.
/// </summary>
public sealed record BenchmarkCase(string Name, string Shape, double Flops, double Bytes, Func<Device, Action> Setup);
