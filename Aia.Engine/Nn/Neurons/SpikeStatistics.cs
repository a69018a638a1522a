using Aia.Engine.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace Aia.Engine.Nn.Neurons;

/// <summary>
/// A layer's spike counter: every forward pass adds its spikes per time step to 64-bit counters on the device
/// (a deterministic reduction, no host synchronisation), and <see cref="Read"/> copies them out once per log
/// interval. Cheap enough to keep on during training: one extra read of the layer's output.
/// </summary>
public sealed class SpikeStatistics
{
    private MemoryBuffer1D<long, Stride1D.Dense>? counts;
    private long[] observed = [];

    /// <summary>Whether forward passes are counted (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Adds the spikes of a [T, ...] output to the counters.</summary>
    internal void Accumulate(Tensor spikes)
    {
        if (!Enabled)
            return;
        int steps = spikes.Shape[0];
        Grow(spikes.Device, steps);
        Ops.Spiking.AccumulateSpikeCounts(spikes, counts!.View.SubView(0, steps));
        long perStep = spikes.Length / steps;
        for (int t = 0; t < steps; t++)
            observed[t] += perStep;
    }

    /// <summary>The counts so far (copies the device counters: a host synchronisation).</summary>
    public SpikeCounts Read()
    {
        var perStep = new long[observed.Length];
        if (counts is not null)
            MemoryArena.CopyOut(counts.View.SubView(0, observed.Length), perStep);
        return new SpikeCounts(perStep, (long[])observed.Clone());
    }

    /// <summary>Sets every counter back to zero.</summary>
    public void Reset()
    {
        counts?.MemSetToZero();
        Array.Clear(observed);
    }

    /// <summary>Makes room for <paramref name="steps"/> counters, keeping the counts so far (rare: T changed).</summary>
    private void Grow(Runtime.Device device, int steps)
    {
        if (steps <= observed.Length)
            return;
        var grown = device.Accelerator.Allocate1D<long>(steps);
        grown.MemSetToZero();
        device.TrackAllocation(grown.LengthInBytes);
        if (counts is not null)
        {
            counts.View.CopyTo(grown.View.SubView(0, counts.Length));
            device.TrackAllocation(-counts.LengthInBytes);
            counts.Dispose();
        }
        counts = grown;
        Array.Resize(ref observed, steps);
    }
}
