using System.Diagnostics;
using Aia.Engine.Runtime;

namespace Aia.Benchmarks;

/// <summary>Times device work: warm-up, then N timed repetitions, median reported.</summary>
public static class Measure
{
    /// <summary>
    /// Median milliseconds of <paramref name="work"/>. With profiling enabled on the device the time is taken
    /// between GPU-side markers; otherwise by a host clock around work plus synchronisation.
    /// </summary>
    public static double MedianMs(Device device, Action work, int warmup = 3, int iterations = 20)
    {
        for (int i = 0; i < warmup; i++)
            work();
        device.Synchronize();
        var times = new double[iterations];
        bool markers = device.Context.Properties.EnableProfiling;
        for (int i = 0; i < iterations; i++)
        {
            if (markers)
            {
                using var start = device.Accelerator.DefaultStream.AddProfilingMarker();
                work();
                using var stop = device.Accelerator.DefaultStream.AddProfilingMarker();
                stop.Synchronize();
                times[i] = (stop - start).TotalMilliseconds;
            }
            else
            {
                var sw = Stopwatch.StartNew();
                work();
                device.Synchronize();
                times[i] = sw.Elapsed.TotalMilliseconds;
            }
        }
        Array.Sort(times);
        return times[iterations / 2];
    }
}
