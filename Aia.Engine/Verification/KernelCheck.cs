using Aia.Engine.Autodiff;
using Aia.Engine.Runtime;

namespace Aia.Engine.Verification;

/// <summary>
/// One reference comparison run by <c>aia verify</c>: executes kernels on a device at a realistic size and
/// compares them with a plain C# reference (forward) or finite differences (backward).
/// </summary>
/// <param name="Name">Kernel or op name, e.g. <c>conv2d.forward</c>.</param>
/// <param name="Shape">The size it runs at, for the report.</param>
/// <param name="Run">Runs the check on a device and returns the comparison.</param>
public sealed record KernelCheck(string Name, string Shape, Func<Device, Comparison> Run);
