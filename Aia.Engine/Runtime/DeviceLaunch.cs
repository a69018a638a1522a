using ILGPU;
using ILGPU.Runtime;

namespace Aia.Engine.Runtime;

// Typed launchers: each loads its kernel once per device (see Load) and runs it on the default stream; nothing runs
// while the arena is planning (a dry run); with KernelTimes set, each launch is timed (see StartTiming).
// Generated shape, one overload per kernel arity; kernels with more inputs take a parameter struct.
public sealed partial class Device
{
    /// <summary>Launches a 1-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1>(Action<T1> kernel, KernelConfig config, T1 a1) where T1 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 2-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2>(Action<T1, T2> kernel, KernelConfig config, T1 a1, T2 a2) where T1 : struct where T2 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 3-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3>(Action<T1, T2, T3> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3) where T1 : struct where T2 : struct where T3 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 4-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4>(Action<T1, T2, T3, T4> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4) where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 5-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4, T5>(Action<T1, T2, T3, T4, T5> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 6-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4, T5, T6>(Action<T1, T2, T3, T4, T5, T6> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 7-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4, T5, T6, T7>(Action<T1, T2, T3, T4, T5, T6, T7> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 8-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8>(Action<T1, T2, T3, T4, T5, T6, T7, T8> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 9-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8, T9>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8, a9);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 10-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 11-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
        StopTiming(kernel, start);
    }

    /// <summary>Launches a 12-parameter kernel with <paramref name="config"/>.</summary>
    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct where T12 : struct
    {
        if (Arena.Planning)
            return;
        long start = StartTiming();
        Load(kernel, () => Accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12);
        StopTiming(kernel, start);
    }
}
