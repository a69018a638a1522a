using System.Reflection;
using Aia.Kernels;
using Aia.Kernels.Gemm;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>
/// The CPU accelerator runs a kernel's IL as it is, so it accepts code the GPU backends reject (managed
/// objects, exceptions, unsupported intrinsics). These tests compile every kernel of Aia.Kernels to PTX for
/// sm_80 and to OpenCL C, without a GPU, so CI catches what only the GPU would.
/// </summary>
public sealed class KernelCompilationTests
{
    private static Context? context;

    private static Context Ctx => context ??= Context.Create(b => b.Math(MathMode.Fast32BitOnly).Optimize(OptimizationLevel.O1).EnableAlgorithms());

    /// <summary>
    /// Every public static void method of a static class named *Kernels in Aia.Kernels; the GEMM kernels, generic in
    /// their tile product, as GPUs launch them (with <see cref="MicrotileProduct"/>).
    /// </summary>
    public static IEnumerable<TestCaseData> AllKernels() =>
        KernelMethods().Select(m => new TestCaseData(m).SetArgDisplayNames(m.DeclaringType!.Name + "." + m.Name));

    internal static IEnumerable<MethodInfo> KernelMethods() =>
        typeof(GridStride).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true } && t.Name.EndsWith("Kernels", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.ReturnType == typeof(void))
            .Select(m => m.IsGenericMethodDefinition ? m.MakeGenericMethod(typeof(MicrotileProduct)) : m)
            .OrderBy(m => m.DeclaringType!.Name + "." + m.Name);

    [OneTimeTearDown]
    public void DisposeContext()
    {
        context?.Dispose();
        context = null;
    }

    [Test]
    public void ThereAreKernelsToCompile() => Assert.That(KernelMethods().Count(), Is.GreaterThan(5));

    [TestCaseSource(nameof(AllKernels))]
    public void CompilesToPtx(MethodInfo kernel)
    {
        using var backend = new PTXBackend(Ctx, new CudaCapabilityContext(CudaArchitecture.SM_80), CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), default);
        Assert.That(compiled.PTXAssembly, Does.Contain(".entry"));
        Assert.That(compiled.PTXAssembly, Does.Not.Contain(".local"), "local memory (spills or arrays) in " + kernel.Name);
    }

    [TestCaseSource(nameof(AllKernels))]
    public void CompilesToOpenCL(MethodInfo kernel)
    {
        var caps = new CLCapabilityContext(float16: false, float64: true, genericAddressSpace: true, int64_Atomics: true, subGroups: false);
        using var backend = new CLBackend(Ctx, caps, CLDeviceVendor.Other, CLCVersion.CL20);
        var compiled = (CLCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), default);
        Assert.That(compiled.Source, Does.Contain("kernel"));
    }
}
