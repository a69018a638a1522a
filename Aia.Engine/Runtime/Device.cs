using System.Collections.Concurrent;
using Aia.Engine.Autodiff;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Aia.Kernels.Gemm;

namespace Aia.Engine.Runtime;

/// <summary>
/// One accelerator with everything that runs on it: the ILGPU context, the step <see cref="MemoryArena"/>,
/// the autodiff <see cref="Tape"/> and the loaded kernels. Kernels are launched grid-stride with a few large
/// groups (<see cref="GridStride"/>), which is what makes the same kernel fast on the CPU accelerator too.
/// </summary>
public sealed partial class Device : IDisposable
{
    private readonly ConcurrentDictionary<System.Reflection.MethodInfo, Delegate> kernels = new();
    private readonly ConcurrentDictionary<System.Reflection.MethodInfo, long> launchCounts = new();
    private long persistentBytes;
    private long peakBytes;

    private Device(Context context, Accelerator accelerator, DeviceKind kind, int groupSize, bool vectorTiles = false, bool gpuShaped = false,
        Precision precision = Precision.Fp32)
    {
        Precision = precision;
        VectorTiles = vectorTiles;
        GpuShaped = gpuShaped;
        Context = context;
        Accelerator = accelerator;
        Kind = kind;
        GroupSize = groupSize;
        Arena = new MemoryArena(accelerator);
        Arena.Allocated += bytes => TrackAllocation(bytes);
        Arena.Freed += bytes => TrackAllocation(-bytes);
        Tape = new Tape(this);
    }

    /// <summary>The ILGPU context the accelerator belongs to.</summary>
    public Context Context { get; }

    /// <summary>The ILGPU accelerator.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The kind of accelerator (never <see cref="DeviceKind.Auto"/>).</summary>
    public DeviceKind Kind { get; }

    /// <summary>Threads per group of a grid-stride launch.</summary>
    public int GroupSize { get; }

    /// <summary>
    /// Whether the matrix products (convolutions, linear layers) multiply their tiles with the CPU accelerator's
    /// vector code (<c>VectorTileProduct</c>) instead of the portable register microtiles; the results are the same
    /// bit for bit.
    /// </summary>
    public bool VectorTiles { get; }

    /// <summary>
    /// Whether this is the CPU accelerator shaped like a GPU (<see cref="CreateGpuShaped"/>): warps of 32, large
    /// groups, and every launch planned exactly as for CUDA (see <see cref="Launches"/>).
    /// </summary>
    public bool GpuShaped { get; }

    /// <summary>
    /// The input format of the matrix products: FP32 on the CPU accelerator; on CUDA TF32 unless asked otherwise
    /// (and FP32 when the tensor-core self-check at creation failed); on the GPU-shaped test device as asked.
    /// </summary>
    public Precision Precision { get; private set; }

    /// <summary>
    /// The <see cref="ITileProduct"/> the GEMM kernels are instantiated with here: vector tiles on the CPU,
    /// register microtiles for FP32 on GPUs, tensor cores (the hardware on CUDA, their warp-shuffle model on the
    /// GPU-shaped CPU device) for TF32 and BF16.
    /// </summary>
    public Type TileProduct => (VectorTiles, Precision, Kind) switch
    {
        (true, _, _) => typeof(VectorTileProduct),
        (_, Precision.Fp32, _) => typeof(MicrotileProduct),
        (_, Precision.Tf32, DeviceKind.Cuda) => typeof(TensorCoreTileProduct<CudaTensorCore, Tf32Format>),
        (_, Precision.Bf16, DeviceKind.Cuda) => typeof(TensorCoreTileProduct<CudaTensorCore, Bf16Format>),
        (_, Precision.Tf32, _) => typeof(TensorCoreTileProduct<WarpTensorCore, Tf32Format>),
        _ => typeof(TensorCoreTileProduct<WarpTensorCore, Bf16Format>),
    };

    /// <summary>Number of groups of a full grid-stride launch (a few per multiprocessor on GPUs).</summary>
    public int GroupCount => Launches.GroupCount;

    /// <summary>
    /// How the ops plan launches here: as for a GPU (CUDA, OpenCL, the GPU-shaped CPU device) or for the CPU
    /// accelerator; group size and count; the dynamic shared memory a group may use (on CUDA the smaller of what the
    /// device reports and the 48 KiB a kernel gets without an opt-in).
    /// </summary>
    public LaunchShape Launches => Kind switch
    {
        DeviceKind.Cpu when !GpuShaped => new(false, GroupSize, Accelerator.NumMultiprocessors, int.MaxValue, VectorTiles),
        DeviceKind.Cpu => new(true, GroupSize, Accelerator.NumMultiprocessors * 8, LaunchShape.CudaSharedBytes, false, Precision),
        DeviceKind.Cuda => new(true, GroupSize, Accelerator.NumMultiprocessors * 8,
            Math.Min(LaunchShape.CudaSharedBytes, Accelerator.MaxSharedMemoryPerGroup), false, Precision),
        _ => new(true, GroupSize, Accelerator.NumMultiprocessors * 8, Accelerator.MaxSharedMemoryPerGroup, false),
    };

    /// <summary>Step-scoped memory: activations, activation gradients and scratch.</summary>
    public MemoryArena Arena { get; }

    /// <summary>The tape that records backward closures of the operations run on this device.</summary>
    public Tape Tape { get; }

    /// <summary>A one-line description: kind, name, memory.</summary>
    public string Description => Kind == DeviceKind.Cpu
        ? $"Cpu {Accelerator.Name} ({Accelerator.NumMultiprocessors} cores, {GroupSize} thread(s) per group{(VectorTiles ? ", vector tiles" : "")}{(GpuShaped ? $", GPU-shaped, {Precision.Name()}" : "")})"
        : $"{Kind} {Accelerator.Name} ({Accelerator.MemorySize / (1 << 20)} MiB, {Accelerator.NumMultiprocessors} SMs, {Precision.Name()})";

    /// <summary>Bytes of device memory held by persistent tensors and the arena.</summary>
    public long AllocatedBytes => Interlocked.Read(ref persistentBytes);

    /// <summary>The most device memory held at once since the device was created.</summary>
    public long PeakBytes => Interlocked.Read(ref peakBytes);

    /// <summary>
    /// Opens an accelerator. <see cref="DeviceKind.Auto"/> takes CUDA when present and the CPU otherwise; an
    /// explicit kind that is not present throws <see cref="DeviceUnavailableException"/> naming what is.
    /// </summary>
    /// <param name="kind">The accelerator kind.</param>
    /// <param name="cpuThreadsPerGroup">Threads per group on the CPU accelerator (1 is fastest; tests use 2 or
    /// 4 to exercise the cooperative paths of the kernels).</param>
    /// <param name="cpuCores">Simulated multiprocessors of the CPU accelerator (default: processor count).</param>
    /// <param name="profiling">Enables ILGPU profiling markers (GPU-side timing for benchmarks).</param>
    /// <param name="cpuVectorTiles">On the CPU accelerator, multiply GEMM tiles with vector code where the processor
    /// has 256-bit vectors (see <see cref="VectorTiles"/>; false runs the GPUs' portable code, for tests).</param>
    /// <param name="precision">Input format of the matrix products on CUDA (default TF32; the CPU computes FP32).
    /// A tensor-core format is checked at creation against FP32 (<see cref="TensorCoreCheck"/>); on a mismatch the
    /// device warns once (<paramref name="warn"/>, default standard error) and uses FP32.</param>
    /// <param name="warn">Where the one warning of a failed tensor-core check goes.</param>
    public static Device Create(DeviceKind kind = DeviceKind.Auto, int cpuThreadsPerGroup = 1, int? cpuCores = null, bool profiling = false,
        bool cpuVectorTiles = true, Precision? precision = null, Action<string>? warn = null)
    {
        if (cpuThreadsPerGroup is < 1 or > 64 || (cpuThreadsPerGroup & (cpuThreadsPerGroup - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(cpuThreadsPerGroup), "must be a power of two in 1..64");
        int cores = Math.Max(1, cpuCores ?? Environment.ProcessorCount);
        var context = CreateContext(kind, Math.Max(2, cpuThreadsPerGroup), cores, profiling);
        try
        {
            switch (Resolve(kind, context))
            {
                case DeviceKind.Cuda:
                    var cuda = context.CreateCudaAccelerator(0);
                    var device = new Device(context, cuda, DeviceKind.Cuda, 256, precision: precision ?? Precision.Tf32);
                    device.CheckTensorCores(warn ?? (m => Console.Error.WriteLine(m)));
                    return device;
                case DeviceKind.OpenCL:
                    var cl = context.CreateCLAccelerator(0);
                    return new Device(context, cl, DeviceKind.OpenCL, Math.Min(256, cl.MaxNumThreadsPerGroup));
                default:
                    var cpu = context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel);
                    return new Device(context, cpu, DeviceKind.Cpu, cpuThreadsPerGroup,
                        cpuVectorTiles && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated);
            }
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The CPU accelerator shaped like a GPU, for tests: warps of 32, groups of <paramref name="groupSize"/> threads
    /// (a multiple of 32) on <paramref name="multiprocessors"/> simulated multiprocessors, shared memory and barriers
    /// emulated, and every launch planned exactly as on CUDA (64 x 64 tiles, <c>MicrotileProduct</c>, one neuron per
    /// thread, 48 KiB of shared memory, 8 groups per multiprocessor). Slow: every thread is an OS thread.
    /// </summary>
    public static Device CreateGpuShaped(int groupSize = 256, int multiprocessors = 2, Precision precision = Precision.Fp32)
    {
        if (groupSize < 32 || groupSize > 1024 || (groupSize & (groupSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(groupSize), "must be a power of two in 32..1024");
        var context = Context.Create(builder =>
        {
            builder.Math(MathMode.Fast32BitOnly).Optimize(OptimizationLevel.O1).EnableAlgorithms();
            builder.CPU(new CPUDevice(32, groupSize / 32, multiprocessors));
        });
        try
        {
            return new Device(context, context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel), DeviceKind.Cpu, groupSize, gpuShaped: true,
                precision: precision);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static Context CreateContext(DeviceKind kind, int cpuWarp, int cores, bool profiling) =>
        Context.Create(builder =>
        {
            builder.Math(MathMode.Fast32BitOnly).Optimize(OptimizationLevel.O1).EnableAlgorithms();
            if (profiling)
                builder.Profiling();
            builder.CPU(new CPUDevice(cpuWarp, 1, cores));
            if (kind is DeviceKind.Auto or DeviceKind.Cuda)
                builder.Cuda();
            if (kind is DeviceKind.OpenCL)
                builder.OpenCL();
        });

    private static DeviceKind Resolve(DeviceKind kind, Context context)
    {
        int cuda = context.GetCudaDevices().Count;
        int cl = context.GetCLDevices().Count;
        return kind switch
        {
            DeviceKind.Auto => cuda > 0 ? DeviceKind.Cuda : DeviceKind.Cpu,
            DeviceKind.Cuda when cuda == 0 => throw new DeviceUnavailableException(
                "No CUDA device was found (no NVIDIA driver or GPU visible to ILGPU). Use --device auto or --device cpu."),
            DeviceKind.OpenCL when cl == 0 => throw new DeviceUnavailableException(
                "No OpenCL device that ILGPU accepts was found (ILGPU needs generic address space support, which " +
                "PoCL 3.1 lacks). Use --device auto or --device cpu."),
            _ => kind,
        };
    }

    /// <summary>Every accelerator ILGPU can open here (CUDA, OpenCL, CPU), and which one auto picks.</summary>
    public static IReadOnlyList<DeviceInfo> List()
    {
        using var context = Context.Create(b => b.Cuda().OpenCL().CPU(new CPUDevice(2, 1, Environment.ProcessorCount)));
        var list = new List<DeviceInfo>();
        foreach (var d in context.Devices)
        {
            var (kind, details) = d switch
            {
                CudaDevice cuda => (DeviceKind.Cuda, $"sm_{cuda.Architecture?.Major}{cuda.Architecture?.Minor}, driver {cuda.DriverVersion}"),
                CLDevice cl => (DeviceKind.OpenCL, $"{cl.CVersion}, {cl.Vendor}"),
                _ => (DeviceKind.Cpu, $"ILGPU CPU accelerator, {Environment.ProcessorCount} cores, " +
                    (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256-bit vector GEMM tiles" : "portable GEMM tiles (no 256-bit vectors)")),
            };
            list.Add(new DeviceInfo(kind, d.Name, d.MemorySize, d.WarpSize, d.NumMultiprocessors, d.MaxNumThreadsPerGroup, details));
        }
        return list;
    }

    /// <summary>
    /// The launch configuration of a grid-stride kernel over <paramref name="elements"/> items: a few large
    /// groups, never more than the work needs.
    /// </summary>
    public KernelConfig GridStride(long elements)
    {
        long groupsNeeded = Math.Max(1, (elements + GroupSize - 1) / GroupSize);
        return new KernelConfig((int)Math.Min(GroupCount, groupsNeeded), GroupSize);
    }

    /// <summary>Waits for every launched kernel and copy to finish.</summary>
    public void Synchronize() => Accelerator.Synchronize();

    internal void TrackAllocation(long bytes)
    {
        long now = Interlocked.Add(ref persistentBytes, bytes);
        long peak;
        while (now > (peak = Interlocked.Read(ref peakBytes)) &&
               Interlocked.CompareExchange(ref peakBytes, now, peak) != peak)
        {
        }
    }

    /// <summary>
    /// How many times <paramref name="kernel"/> has been launched on this device so far (launches skipped by a dry run do not
    /// count): lets a test check which of an op's paths ran.
    /// </summary>
    public long LaunchCount(Delegate kernel) => launchCounts.TryGetValue(kernel.Method, out long n) ? n : 0;

    /// <summary>
    /// When set, every launch is timed into it: kernel name (class, method and the type argument of a generic kernel) to the
    /// total milliseconds and the number of launches. Each launch then synchronises before and after (a profile for
    /// benchmarks, <c>step --kernels</c>; it slows the step down and changes nothing else). Null (the default): no timing.
    /// </summary>
    public Dictionary<string, (double Milliseconds, int Launches)>? KernelTimes { get; set; }

    private long StartTiming()
    {
        if (KernelTimes is null)
            return 0;
        Accelerator.Synchronize();
        return System.Diagnostics.Stopwatch.GetTimestamp();
    }

    private void StopTiming(Delegate kernel, long start)
    {
        if (KernelTimes is not { } times)
            return;
        Accelerator.Synchronize();
        double ms = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var m = kernel.Method;
        string name = m.DeclaringType!.Name + "." + m.Name + (m.IsGenericMethod ? "<" + m.GetGenericArguments()[0].Name + ">" : "");
        var (total, count) = times.GetValueOrDefault(name);
        times[name] = (total + ms, count + 1);
    }

    /// <summary>Loads a kernel once per device and caches the launcher; counts the launch.</summary>
    private TLauncher Load<TLauncher>(Delegate kernel, Func<TLauncher> load) where TLauncher : Delegate
    {
        launchCounts.AddOrUpdate(kernel.Method, 1, static (_, n) => n + 1);
        return (TLauncher)kernels.GetOrAdd(kernel.Method, _ => load());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Arena.Dispose();
        Accelerator.Dispose();
        Context.Dispose();
    }
}

/// <summary>The requested accelerator is not present on this machine.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);

/// <summary>What ILGPU reports of one accelerator (for <c>aia devices</c>).</summary>
/// <param name="Kind">Accelerator kind.</param>
/// <param name="Name">Device name.</param>
/// <param name="MemoryBytes">Device memory in bytes.</param>
/// <param name="WarpSize">Threads per warp.</param>
/// <param name="Multiprocessors">Number of multiprocessors (SMs, compute units, or simulated CPU cores).</param>
/// <param name="MaxThreadsPerGroup">Largest group.</param>
/// <param name="Details">Compute capability, driver or OpenCL version where known.</param>
public sealed record DeviceInfo(
    DeviceKind Kind, string Name, long MemoryBytes, int WarpSize, int Multiprocessors, int MaxThreadsPerGroup, string Details);
