using System.Reflection;
using Aia.Kernels;
using Aia.Kernels.Gemm;
using Aia.Kernels.Neurons;
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
    public static IEnumerable<TestCaseData> AllKernels() => Cases(KernelMethods());

    /// <summary>Every kernel as CUDA launches it: the GEMM kernels also with both tensor-core products.</summary>
    public static IEnumerable<TestCaseData> CudaKernels() => Cases(KernelMethods(CudaProducts));

    /// <summary>The tile products of CUDA launches: register microtiles (FP32) and the tensor cores (TF32, BF16).</summary>
    internal static readonly Type[] CudaProducts =
        [typeof(MicrotileProduct), typeof(TensorCoreTileProduct<CudaTensorCore, Tf32Format>), typeof(TensorCoreTileProduct<CudaTensorCore, Bf16Format>)];

    /// <summary>The display name of a kernel instantiation: Class.Method, with the tensor-core format where there is one.</summary>
    internal static string Name(MethodInfo m) => m.DeclaringType!.Name + "." + m.Name +
        (m.IsGenericMethod && m.GetGenericArguments()[0] is { IsGenericType: true } p ? "<" + p.GetGenericArguments()[1].Name.Replace("Format", "", StringComparison.Ordinal) + ">" : "");

    /// <summary>Local slots a kernel may have: 2 of 8 bytes (CudaTensorCore's mma outputs) with a tensor-core product, else 0.</summary>
    internal static int TensorCoreSlots(MethodInfo m) => m.IsGenericMethod && m.GetGenericArguments()[0].IsGenericType ? 2 : 0;

    private static IEnumerable<TestCaseData> Cases(IEnumerable<MethodInfo> methods) =>
        methods.Select(m => new TestCaseData(m).SetArgDisplayNames(Name(m)));

    internal static IEnumerable<MethodInfo> KernelMethods() => KernelMethods([typeof(MicrotileProduct)]);

    private static IEnumerable<MethodInfo> KernelMethods(Type[] products) =>
        typeof(GridStride).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true } && t.Name.EndsWith("Kernels", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.ReturnType == typeof(void))
            .SelectMany(m => m.IsGenericMethodDefinition ? Instantiations(m, products) : [m])
            .OrderBy(Name, StringComparer.Ordinal);

    /// <summary>
    /// A generic kernel as GPUs launch it: with each of <paramref name="products"/> (the GEMM kernels) or with
    /// <see cref="PlainNeuronSteps"/> (the neuron kernels), whichever meets its type parameter's constraint; the CPU-only
    /// <see cref="VectorTileProduct"/> and <see cref="VectorNeuronSteps"/> never.
    /// </summary>
    private static IEnumerable<MethodInfo> Instantiations(MethodInfo m, Type[] products) =>
        products.Append(typeof(PlainNeuronSteps))
            .Where(p => m.GetGenericArguments()[0].GetGenericParameterConstraints().All(c => c.IsAssignableFrom(p)))
            .Select(p => m.MakeGenericMethod(p));

    [OneTimeTearDown]
    public void DisposeContext()
    {
        context?.Dispose();
        context = null;
    }

    [Test]
    public void ThereAreKernelsToCompile() => Assert.That(KernelMethods().Count(), Is.GreaterThan(5));

    [TestCaseSource(nameof(CudaKernels))]
    public void CompilesToPtx(MethodInfo kernel)
    {
        using var backend = new PTXBackend(Ctx, new CudaCapabilityContext(CudaArchitecture.SM_80), CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), default);
        if (Environment.GetEnvironmentVariable("AIA_PTX_DIR") is { Length: > 0 } dir)
            File.WriteAllText(Path.Combine(dir, Name(kernel).Replace('<', '_').Replace(">", "", StringComparison.Ordinal) + ".ptx"), compiled.PTXAssembly);
        Assert.That(compiled.PTXAssembly, Does.Contain(".entry"));
        // The tensor-core kernels hold the two 8-byte output slots ILGPU gives CudaAsm.Emit (see CudaTensorCore).
        int allowed = TensorCoreSlots(kernel);
        var declarations = System.Text.RegularExpressions.Regex.Matches(compiled.PTXAssembly, @"^\s*\.local\s.*$", System.Text.RegularExpressions.RegexOptions.Multiline);
        int slots = declarations.Count(d => d.Value.Contains(".align 8 .b8 __local_depot", StringComparison.Ordinal) && d.Value.TrimEnd().EndsWith("[8];", StringComparison.Ordinal));
        Assert.That(declarations.Count - (slots <= allowed ? slots : 0), Is.Zero,
            "local memory (spills or arrays) in " + kernel.Name);
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
