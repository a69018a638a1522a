using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using Aia.Tests.Support;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>
/// Every kernel the engine can launch on CUDA (the instantiations GPUs use), compiled to PTX ISA 7.8 for sm_80 and
/// assembled by NVIDIA's ptxas for sm_80 (A100) and sm_90 (H100/H200, which JIT-compile the sm_80 PTX the same
/// way): it must assemble, with no spills, no stack or local memory, and static shared memory that leaves the
/// dynamic shared memory the launch planning may ask for within the 48 KiB a kernel gets without an opt-in.
/// Skipped (with the reason) where there is no ptxas; CI fetches it and sets <c>AIA_PTXAS</c>, and then a broken
/// ptxas fails the test. With <c>AIA_PTXAS_TABLE=file.md</c> the registers, shared memory and occupancy of every
/// kernel are written there as a markdown table (docs/gpu.md carries it), with the integer divisions and remainders
/// by a runtime value in its PTX (each some twenty instructions on the GPU).
/// </summary>
public sealed class PtxasTests
{
    /// <summary>Shared memory a kernel may use without cuFuncSetAttribute, bytes.</summary>
    private const int SharedLimit = 48 * 1024;

    private static readonly ConcurrentDictionary<string, (Ptxas.Report Sm80, Ptxas.Report Sm90, bool Gemm, int Divisions)> Reports = new();
    private static Context? context;

    private static Context Ctx => context ??= Context.Create(b => b.Math(MathMode.Fast32BitOnly).Optimize(OptimizationLevel.O1).EnableAlgorithms());

    public static IEnumerable<TestCaseData> AllKernels() => KernelCompilationTests.CudaKernels();

    [OneTimeTearDown]
    public void WriteTable()
    {
        context?.Dispose();
        context = null;
        string? file = Environment.GetEnvironmentVariable("AIA_PTXAS_TABLE");
        if (!string.IsNullOrEmpty(file) && !Reports.IsEmpty)
            File.WriteAllText(file, Table());
    }

    [TestCaseSource(nameof(AllKernels))]
    public void AssemblesWithoutSpillsForSm80AndSm90(MethodInfo kernel)
    {
        var (ptxas, reason) = Ptxas.Find();
        if (ptxas is null)
            Assert.Ignore(reason);
        using var backend = new PTXBackend(Ctx, new CudaCapabilityContext(CudaArchitecture.SM_80), CudaArchitecture.SM_80, CudaInstructionSet.ISA_78, null);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), default);
        string name = KernelCompilationTests.Name(kernel);
        var reports = new[] { "sm_80", "sm_90" }.AsParallel().AsOrdered().Select(a => Ptxas.Assemble(ptxas, compiled.PTXAssembly, a)).ToArray();
        foreach (var (r, arch) in reports.Zip(new[] { "sm_80", "sm_90" }))
        {
            Assert.That(r.ExitCode, Is.Zero, $"{name} does not assemble for {arch}:\n{r.Output}");
            Assert.That(r.HasUsage, Is.True, $"no usage report for {name} ({arch}):\n{r.Output}");
            Assert.That(r.SpillBytes, Is.Zero, $"{name} spills registers on {arch}:\n{r.Output}");
            Assert.That(r.StackBytes + r.LocalBytes, Is.LessThanOrEqualTo(8 * KernelCompilationTests.TensorCoreSlots(kernel)),
                $"{name} uses local memory on {arch} (tensor-core kernels: at most the two 8-byte CudaAsm output slots):\n{r.Output}");
            Assert.That(r.SharedBytes + DynamicShared(kernel), Is.LessThanOrEqualTo(SharedLimit),
                $"{name}: {r.SharedBytes} B static + {DynamicShared(kernel)} B dynamic shared memory on {arch}");
        }
        Reports[name] = (reports[0], reports[1], IsGemm(kernel), Ptxas.RuntimeDivisions(compiled.PTXAssembly));
    }

    /// <summary>
    /// The most dynamic shared memory the launch planning may give a kernel, bytes: the GEMM kernels (generic in
    /// their tile product) get the whole limit (GemmLaunch plans within it), so their static shared memory must be 0.
    /// </summary>
    private static int DynamicShared(MethodInfo kernel) => IsGemm(kernel) ? SharedLimit : 0;

    /// <summary>Whether <paramref name="kernel"/> is a GEMM kernel: generic in its tile product (the neuron kernels are generic in their steps).</summary>
    private static bool IsGemm(MethodInfo kernel) =>
        kernel.IsGenericMethod && typeof(Aia.Kernels.Gemm.ITileProduct).IsAssignableFrom(kernel.GetGenericArguments()[0]);

    /// <summary>Dynamic shared memory of a full 64 x 64 GEMM tile with chunks of 32 (the occupancy column), bytes.</summary>
    private static int TypicalGemmShared(string name) => 4 * new Aia.Kernels.Gemm.GemmTiling(4096, 4096, 4096, 64, 64, 32).SharedFloats(256, name.Contains('<', StringComparison.Ordinal));

    private static string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| kernel | registers sm_80 | registers sm_90 | stack B | static shared B | groups of 256 per SM (sm_80 / sm_90) | occupancy sm_80 / sm_90 | div/rem by a register |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, (a, h, generic, divisions)) in Reports.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            int dynamicShared = generic ? TypicalGemmShared(name) : 0;
            int ga = Groups(a.Registers, a.SharedBytes + dynamicShared, 164 * 1024), gh = Groups(h.Registers, h.SharedBytes + dynamicShared, 228 * 1024);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| `{name}` | {a.Registers} | {h.Registers} | {a.StackBytes} | {a.SharedBytes} | {ga} / {gh} | {ga * 8 * 100 / 64} % / {gh * 8 * 100 / 64} % | {divisions} |");
        }
        return sb.ToString();
    }

    /// <summary>
    /// Resident groups of 256 threads per SM (sm_80 and sm_90 alike: 64 K registers, 2048 threads, 32 groups; shared
    /// memory per SM <paramref name="sharedPerSm"/> with 1 KiB reserved per group). Registers are allocated per warp
    /// in units of 256.
    /// </summary>
    private static int Groups(int registers, int sharedBytes, int sharedPerSm)
    {
        int perWarp = (registers * 32 + 255) / 256 * 256;
        int byRegisters = 65536 / Math.Max(1, perWarp) / 8;
        int byShared = sharedPerSm / (sharedBytes + 1024);
        return Math.Min(Math.Min(byRegisters, byShared), 2048 / 256);
    }
}
