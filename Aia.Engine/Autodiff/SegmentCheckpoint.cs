using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;
using Aia.Kernels.Neurons;
using ILGPU;

namespace Aia.Engine.Autodiff;

/// <summary>
/// Segment checkpointing (<c>--memory low</c>): a layer list is cut after every spiking neuron, so each segment is
/// [pooling, dropout, ...] Conv-BN, neuron and its input is the previous segment's spikes (the first segment's is the
/// network input). The forward runs each segment without recording and keeps only its input, as bits when it is spikes
/// (<see cref="SpikeBitsKernels"/>); one tape entry stands for the whole segment. Its backward rebuilds the input, reruns
/// the segment's forward recording (the same layers, kernels and order, so every value is the first forward's bit for
/// bit; <see cref="Tape.Recomputing"/> keeps running statistics, spike counts and dropout steps from moving twice), and
/// runs the rerun's backward at once, so only one segment's activations exist at a time. The gradients are the default
/// mode's bit for bit; the cost is a second forward of every segment.
/// </summary>
public static class SegmentCheckpoint
{
    /// <summary>The segments of <paramref name="layers"/> as [start, end) ranges: each ends with a spiking neuron, except a last one holding what follows the last neuron.</summary>
    public static IReadOnlyList<(int Start, int End)> Segments(IReadOnlyList<Module> layers)
    {
        var segments = new List<(int, int)>();
        int start = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not SpikingNeuron)
                continue;
            segments.Add((start, i + 1));
            start = i + 1;
        }
        if (start < layers.Count)
            segments.Add((start, layers.Count));
        return segments;
    }

    /// <summary>
    /// Runs <paramref name="layers"/> on <paramref name="x"/> segment by segment (as <see cref="Sequential.Forward"/> runs
    /// them, while the tape records). Every segment output but the last is <see cref="Tensor.Intermediate"/>.
    /// </summary>
    public static Tensor Forward(IReadOnlyList<Module> layers, Tensor x)
    {
        var input = x;
        var segments = Segments(layers);
        for (int s = 0; s < segments.Count; s++)
        {
            var (start, end) = segments[s];
            var y = Segment(layers, start, end, x, spikes: x != input);
            if (y == x)
                continue;
            if (s < segments.Count - 1)
                y.Intermediate = true;
            if (x != input)
                x.Consumed();
            x = y;
        }
        return x;
    }

    private static Tensor Segment(IReadOnlyList<Module> layers, int start, int end, Tensor x, bool spikes)
    {
        var d = x.Device;
        ArenaBlock? kept = null;
        ArrayView<uint> bits = default;
        int n = (int)x.Length;
        if (spikes)
        {
            kept = d.Arena.AllocateBlock(((n + 31L) >> 5) * sizeof(uint));
            bits = kept.View<uint>((n + 31L) >> 5);
            Ops.Spiking.PackSpikes(d, x.View, bits, n);
        }
        else
        {
            x.PinForBackward();
        }
        Tensor y;
        using (d.Tape.NoGrad())
            y = Run(layers, start, end, x);
        if (y == x)
        {
            kept?.Free();
            return x;
        }
        d.Tape.Record(y, () =>
        {
            if (y.Grad is null) return;
            var xr = x;
            if (spikes)
            {
                // The input spikes again: as bits only where the first layer gathers from bits (a convolution, average
                // pooling), else unpacked; transient and rebuildable as a neuron's spikes are in the default mode.
                bool bitsOnly = layers[start] is Models.ConvBn or Conv2d or AvgPool2d;
                xr = bitsOnly ? Tensor.Virtual(d, x.Shape) : Tensor.Empty(d, x.Shape);
                if (!bitsOnly)
                    d.Launch(SpikeBitsKernels.Unpack, d.GridStride(n), bits, xr.View, n);
                xr.Block!.Transient = true;
                xr.Block.Rematerialize = view => d.Launch(SpikeBitsKernels.Unpack, d.GridStride(n), bits, view, n);
                xr.Block.SpikeBits = bits;
                xr.RequiresGrad = x.RequiresGrad;
            }
            int mark = d.Tape.Count;
            Tensor yr;
            using (d.Tape.Recompute())
                yr = Run(layers, start, end, xr, unreadFrom: layers[end - 1] is SpikingNeuron && end - 2 >= start && layers[end - 2] is Models.ConvBn ? end - 2 : end);
            yr.Intermediate = true;
            yr.ReleaseIfTransient(); // the rerun's output spikes: no backward reads them (their gradient is y's)
            yr.TakeGradientOf(y);
            d.Tape.BackwardFrom(mark);
            if (xr != x)
            {
                x.TakeGradientOf(xr);
                xr.Release();
            }
        }, kept is null ? [] : [kept]);
        return y;
    }

    /// <summary>
    /// Layers [start, end) on x as <see cref="Sequential.Forward"/> runs them; the input too is consumed by the first layer.
    /// Layers from <paramref name="unreadFrom"/> on run with <see cref="Tape.OutputUnread"/>.
    /// </summary>
    private static Tensor Run(IReadOnlyList<Module> layers, int start, int end, Tensor x, int unreadFrom = int.MaxValue)
    {
        var input = x;
        var tape = x.Device.Tape;
        for (int i = start; i < end; i++)
        {
            tape.OutputUnread = i >= unreadFrom;
            Tensor y;
            try
            {
                y = layers[i].Forward(x);
            }
            finally
            {
                tape.OutputUnread = false;
            }
            if (i < end - 1 && y != input)
                y.Intermediate = true;
            if (y.Block != x.Block)
                x.Consumed();
            x = y;
        }
        return x;
    }
}
