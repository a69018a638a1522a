using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;
using Aia.Kernels.Neurons;
using ILGPU;
using KernelConfig = ILGPU.KernelConfig;

namespace Aia.Engine.Ops;

/// <summary>
/// Multi-step spiking neuron layers over input currents x of shape [T, N, C, H, W] or [T, N, F]: spikes o
/// (0/1 floats) of the same shape, one fused kernel for the whole time loop forward and one for BPTT backward
/// (see docs/aia-model.md). Nothing but the spikes as bits is saved: the backward reruns the forward on its input
/// currents to get u[t] before reset, the same operations in the same order, so u is the forward's bit for bit; the
/// spikes themselves are transient, and written over input currents that are transient and rebuildable (batch-norm
/// outputs: the kernels read x[k] before writing o[k]) (docs/memory.md). Where the input currents were a batch norm's
/// output, freed now, every neuron kind runs the fused backward (<c>BackwardFromNormalized</c>): x read through the batch
/// norm's map from the convolution output, u rerun tile by tile into a per-group scratch, dx written over the spike
/// gradient. Otherwise (x kept, or already holding a gradient) the plain backward, the reference the fused one equals
/// bit for bit: x as it is or rebuilt into scratch, the forward kernel rerun into a full u tensor (its spikes and potentials
/// share one buffer: the kernel writes u[k] after o[k]), then the backward kernel.
/// </summary>
public static class Spiking
{
    /// <summary>Most positions one work item of a reducing kernel covers (bounds per-thread float sums).</summary>
    private const int MaxChunk = 2048;

    /// <summary>LIF (Eq. 1-2); IF with <see cref="NeuronOptions.Decay"/> = 1.</summary>
    public static Tensor Lif(Tensor x, NeuronOptions options) => LifOrAia("Spiking.Lif", x, options, aia: false);

    /// <summary>AIA (Eq. 6-7): fires like LIF; backward dx = x * du, x being these input currents.</summary>
    public static Tensor Aia(Tensor x, NeuronOptions options) => LifOrAia("Spiking.Aia", x, options, aia: true);

    /// <summary>
    /// PLIF as Fang et al. / SpikingJelly define it: u[t] = u[t-1] + (x[t] - u[t-1]) k (after the hard reset),
    /// k = 1/tau = sigmoid(w[0]), w a learnable one-element tensor (see <see cref="PlifKernels"/>).
    /// </summary>
    public static Tensor Plif(Tensor x, Tensor w, NeuronOptions options)
    {
        if (w.Length != 1)
            throw new ArgumentException($"Spiking.Plif: the decay parameter w must have one element, got shape {w.Shape}.");
        var d = x.Device;
        bool record = d.Tape.Needs(x, w);
        var p = Parameters("Spiking.Plif", x, options, savePotential: false);
        var pSave = Parameters("Spiking.Plif", x, options, savePotential: true);
        var xIn = x.View; // before the spikes take over x's memory
        var (o, unread) = Output(x);
        int chunks = Chunks(d, 1, p.Neurons);
        if (!unread)
            d.Launch(Steps(d, PlifKernels.Forward<VectorNeuronSteps>, PlifKernels.Forward<PlainNeuronSteps>), ItemConfig(d, chunks), xIn, w.View, o.View, d.Arena.Allocate<float>(0), chunks, p);
        var bits = KeepSpikes(o, record && !unread);
        if (record)
        {
            d.Tape.Record(o, () =>
            {
                if (o.Grad is not { } g) return;
                // The backward's items are chunks of one channel's positions, in both forms (the same partials).
                int perChannel = Chunks(d, p.Channels, p.Positions);
                var items = ItemConfig(d, p.Channels * perChannel);
                var partials = d.Arena.Allocate<float>((long)p.Channels * perChannel);
                if (Fused(x, o, g, pSave, items) is { } f)
                {
                    d.Launch(Steps(d, PlifKernels.BackwardFromNormalized<VectorNeuronSteps>, PlifKernels.BackwardFromNormalized<PlainNeuronSteps>), items, g.View, f.Source, f.Affine, w.View, f.Dx, f.Potentials, partials,
                        perChannel, f.Parameters);
                    if (f.OverG) x.AdoptOrAddGradient(g);
                }
                else
                {
                    var xv = x.ReadForBackward();
                    var u = d.Arena.Allocate<float>(x.Length);
                    d.Launch(Steps(d, PlifKernels.Forward<VectorNeuronSteps>, PlifKernels.Forward<PlainNeuronSteps>), ItemConfig(d, chunks), xv, w.View, u, u, chunks, pSave);
                    var (dx, acc, inPlace) = InputGradient(x, o, g);
                    d.Launch(PlifKernels.Backward, items, g.View, u, xv, w.View, dx, partials, perChannel, Elementwise.Flag(acc),
                        WithLaunchShape(d, pSave, xv, g.View, dx));
                    if (inPlace) x.AdoptOrAddGradient(g);
                }
                if (!w.RequiresGrad) return;
                var (dw, accW) = w.GradientTarget();
                d.Launch(PlifKernels.DecayGradient, new KernelConfig(1, d.GroupSize), partials, w.View, dw, Elementwise.Flag(accW));
            }, bits);
        }
        return o;
    }

    /// <summary>
    /// Cached AIA (Eq. 8-9): LIF driven by beta[c] * x, beta one learnable value per channel (dim 2) or unit;
    /// backward dx = beta du and dbeta[c] = sum of du * x over batch, time and positions, in one fused pass.
    /// </summary>
    public static Tensor CachedAia(Tensor x, Tensor beta, NeuronOptions options)
    {
        var d = x.Device;
        bool record = d.Tape.Needs(x, beta);
        var p = Parameters("Spiking.CachedAia", x, options, savePotential: false);
        var pSave = Parameters("Spiking.CachedAia", x, options, savePotential: true);
        if (beta.Length != p.Channels)
            throw new ArgumentException($"Spiking.CachedAia: beta has {beta.Length} values but the input {x.Shape} has {p.Channels} channels (dim 2).");
        var xIn = x.View; // before the spikes take over x's memory
        var (o, unread) = Output(x);
        int chunks = Chunks(d, p.Channels, p.Positions);
        var items = ItemConfig(d, p.Channels * chunks);
        if (!unread)
            d.Launch(Steps(d, CachedAiaKernels.Forward<VectorNeuronSteps>, CachedAiaKernels.Forward<PlainNeuronSteps>), items, xIn, beta.View, o.View, d.Arena.Allocate<float>(0), chunks, p);
        var bits = KeepSpikes(o, record && !unread);
        if (record)
        {
            d.Tape.Record(o, () =>
            {
                if (o.Grad is not { } g) return;
                var partials = d.Arena.Allocate<float>((long)p.Channels * chunks);
                if (Fused(x, o, g, pSave, items) is { } f)
                {
                    d.Launch(Steps(d, CachedAiaKernels.BackwardFromNormalized<VectorNeuronSteps>, CachedAiaKernels.BackwardFromNormalized<PlainNeuronSteps>), items, g.View, f.Source, f.Affine, beta.View, f.Dx, f.Potentials, partials,
                        chunks, f.Parameters);
                    if (f.OverG) x.AdoptOrAddGradient(g);
                }
                else
                {
                    var xv = x.ReadForBackward();
                    var u = d.Arena.Allocate<float>(x.Length);
                    d.Launch(Steps(d, CachedAiaKernels.Forward<VectorNeuronSteps>, CachedAiaKernels.Forward<PlainNeuronSteps>), items, xv, beta.View, u, u, chunks, pSave);
                    var (dx, acc, inPlace) = InputGradient(x, o, g);
                    d.Launch(CachedAiaKernels.Backward, items, g.View, u, xv, beta.View, dx, partials, chunks,
                        Elementwise.Flag(acc), WithLaunchShape(d, pSave, xv, g.View, dx));
                    if (inPlace) x.AdoptOrAddGradient(g);
                }
                BetaGradient(beta, partials, chunks, p.Channels);
            }, bits);
        }
        return o;
    }

    /// <summary>
    /// counts[t] += number of spikes (o &gt;= 0.5) of time step t of <paramref name="spikes"/> ([T, ...]), on the
    /// device, exactly and deterministically; no tape, no host synchronisation.
    /// </summary>
    public static void AccumulateSpikeCounts(Tensor spikes, ArrayView<long> counts)
    {
        var d = spikes.Device;
        int steps = spikes.Shape[0];
        if (counts.Length != steps)
            throw new ArgumentException($"Spiking.AccumulateSpikeCounts: {counts.Length} counters for {steps} time steps of {spikes.Shape}.");
        int neurons = (int)(CheckedLength("Spiking.AccumulateSpikeCounts", spikes) / steps);
        int chunks = Chunks(d, steps, neurons);
        var partials = d.Arena.Allocate<float>((long)steps * chunks);
        d.Launch(SpikeStatisticsKernels.CountPartials, ItemConfig(d, steps * chunks), spikes.View, partials, steps, chunks,
            CpuLayout.Quads(d, neurons, spikes.View) ? 1 : 0);
        d.Launch(SpikeStatisticsKernels.Accumulate, d.GridStride(steps), partials, counts, chunks);
    }

    private static Tensor LifOrAia(string op, Tensor x, NeuronOptions options, bool aia)
    {
        var d = x.Device;
        bool record = d.Tape.Needs(x);
        var p = Parameters(op, x, options, savePotential: false);
        var pSave = Parameters(op, x, options, savePotential: true);
        var xIn = x.View; // before the spikes take over x's memory
        var (o, unread) = Output(x);
        int chunks = Chunks(d, 1, p.Neurons);
        var items = ItemConfig(d, chunks);
        if (!unread)
            d.Launch(Steps(d, LifKernels.Forward<VectorNeuronSteps>, LifKernels.Forward<PlainNeuronSteps>), items, xIn, o.View, d.Arena.Allocate<float>(0), chunks, p);
        var bits = KeepSpikes(o, record && !unread);
        if (record)
        {
            d.Tape.Record(o, () =>
            {
                if (o.Grad is not { } g) return;
                int variant = aia ? NeuronDynamics.Aia : NeuronDynamics.Lif;
                int perChannel = Chunks(d, p.Channels, p.Positions);
                var channelItems = ItemConfig(d, p.Channels * perChannel);
                if (Fused(x, o, g, pSave, channelItems) is { } f)
                {
                    d.Launch(Steps(d, LifKernels.BackwardFromNormalized<VectorNeuronSteps>, LifKernels.BackwardFromNormalized<PlainNeuronSteps>), channelItems, g.View, f.Source, f.Affine, variant, f.Dx, f.Potentials, perChannel,
                        f.Parameters);
                    if (f.OverG) x.AdoptOrAddGradient(g);
                    return;
                }
                var xv = x.ReadForBackward();
                var u = d.Arena.Allocate<float>(x.Length);
                d.Launch(Steps(d, LifKernels.Forward<VectorNeuronSteps>, LifKernels.Forward<PlainNeuronSteps>), items, xv, u, u, chunks, pSave);
                var (dx, acc, inPlace) = InputGradient(x, o, g);
                var shape = WithLaunchShape(d, pSave, xv, g.View, dx);
                if (aia)
                    d.Launch(LifKernels.AiaBackward, items, g.View, u, xv, dx, chunks, Elementwise.Flag(acc), shape);
                else
                    d.Launch(LifKernels.Backward, items, g.View, u, dx, chunks, Elementwise.Flag(acc), shape);
                if (inPlace) x.AdoptOrAddGradient(g);
            }, bits);
        }
        return o;
    }

    /// <summary>
    /// The fused backward's inputs when <paramref name="x"/> was a training-mode batch norm's output that is freed now: the
    /// convolution output and the batch norm's map to read x through (<see cref="InputAffine"/>), dx over the spike gradient
    /// <paramref name="g"/> when nothing else holds g (else x's new gradient), the tiling, and the per-group scratch for u of a
    /// launch with <paramref name="items"/> (<see cref="NeuronDynamics.RerunBackward"/>); null where the op runs its plain backward
    /// (x kept, or x already has a gradient to add to), the reference the fused form equals bit for bit.
    /// </summary>
    private static FusedInput? Fused(Tensor x, Tensor o, Tensor g, NeuronParameters pSave, KernelConfig items)
    {
        if (x.Block is not { IsFreed: true, Normalized: var (source, bn) } || !x.RequiresGrad || x.HasGrad || source.Length != x.Length)
            return null;
        var d = x.Device;
        bool overG = o.Intermediate && g.Block is { Holds: 1 };
        var dx = overG ? g.View : x.GradientTarget().View;
        var shape = WithLaunchShape(d, pSave, source.View, g.View, dx);
        var potentials = d.Arena.Allocate<float>((long)items.GridDim.X * pSave.Steps * NeuronDynamics.TileFloats(d.GroupSize, shape));
        return new FusedInput(source.View, bn, dx, overG, shape, potentials);
    }

    /// <summary>What <see cref="Fused"/> found.</summary>
    private readonly record struct FusedInput(ArrayView<float> Source, BatchNormAffine Affine, ArrayView<float> Dx, bool OverG, NeuronParameters Parameters,
        ArrayView<float> Potentials);

    /// <summary>
    /// The spikes' tensor: written over the input currents where they are transient and rebuildable, or new; or, in a rerun
    /// whose output no forward op reads (<see cref="Autodiff.Tape.OutputUnread"/>), not computed at all (Unread: the
    /// backward reruns the forward from the input currents anyway).
    /// </summary>
    private static (Tensor Spikes, bool Unread) Output(Tensor x)
    {
        var tape = x.Device.Tape;
        if (tape.Recomputing && tape.OutputUnread && tape.IsRecording)
            return (Tensor.Virtual(x.Device, x.Shape), true);
        return (Tensor.OverOrEmpty(x, x.Shape), false);
    }

    /// <summary>The kernel parameters for input currents <paramref name="x"/>; throws naming the op on a bad shape.</summary>
    internal static NeuronParameters Parameters(string op, Tensor x, NeuronOptions options, bool savePotential)
    {
        var s = x.Shape;
        if (s.Rank is not (3 or 5))
            throw new ArgumentException($"{op}: expected input currents [T, N, C, H, W] or [T, N, F], got {s}.");
        options.Validated();
        int steps = s[0];
        int spatial = s.Rank == 5 ? s[3] * s[4] : 1;
        var p = new NeuronParameters(steps, (int)(CheckedLength(op, x) / steps), s[2], spatial, options.Decay, options.Threshold,
            (int)options.Surrogate, options.ResolvedAlpha, options.DetachReset, options.SmoothSlope, savePotential);
        return WithLaunchShape(x.Device, p, x.View);
    }

    /// <summary>
    /// <paramref name="p"/> with the tiling of <see cref="NeuronDynamics"/> for <paramref name="d"/>: on the CPU
    /// accelerator, whose groups are single OS threads, a full tile, of quads where the layout allows (S a multiple
    /// of 4 and every one of <paramref name="views"/> starting on a quad); on GPUs one scalar neuron per thread,
    /// which keeps every warp access coalesced.
    /// </summary>
    public static NeuronParameters WithLaunchShape(Device d, NeuronParameters p, params ArrayView<float>[] views)
    {
        if (d.Launches.Gpu)
            return p with { Lanes = 1, Quads = 0 };
        return p with { Lanes = NeuronDynamics.MaxTile / d.GroupSize, Quads = CpuLayout.Quads(d, p.Spatial, views) ? 1 : 0 };
    }

    /// <summary>
    /// The instantiation of a neuron kernel for <paramref name="d"/>: with <see cref="VectorNeuronSteps"/> where the CPU
    /// accelerator runs its vector code (<see cref="Device.VectorTiles"/>), else with <see cref="PlainNeuronSteps"/> (GPUs,
    /// and the tests of the portable code); the results are the same bit for bit.
    /// </summary>
    public static TKernel Steps<TKernel>(Device d, TKernel vector, TKernel plain) where TKernel : Delegate => d.VectorTiles ? vector : plain;

    /// <summary>
    /// The work-item layout of the reducing kernels (PLIF's and cached AIA's backward, spike counts): how many
    /// chunks each of <paramref name="slices"/> slices (channels, or time steps) of <paramref name="positions"/>
    /// positions is cut into. Enough items to fill the grid, at most 2048 positions each; it depends only on the
    /// device's group size and count and on the shape, so a run's sums are reproducible.
    /// </summary>
    public static int Chunks(Device d, int slices, int positions)
    {
        long fill = Math.Min((4L * d.GroupCount + slices - 1) / slices, ((long)positions + d.GroupSize - 1) / d.GroupSize);
        return (int)Math.Max(Math.Max(1, fill), ((long)positions + MaxChunk - 1) / MaxChunk);
    }

    private static KernelConfig ItemConfig(Device d, int items) => new(Math.Min(d.GroupCount, items), d.GroupSize);

    private static long CheckedLength(string op, Tensor x) => x.Length <= int.MaxValue
        ? x.Length
        : throw new ArgumentException($"{op}: {x.Shape} has more than 2^31 - 1 elements.");

    private static void BetaGradient(Tensor beta, ArrayView<float> partials, int chunks, int channels)
    {
        if (!beta.RequiresGrad) return;
        var (dbeta, accBeta) = beta.GradientTarget();
        beta.Device.Launch(CachedAiaKernels.BetaGradient, beta.Device.GridStride(channels), partials, dbeta, chunks, Elementwise.Flag(accBeta));
    }

    /// <summary>
    /// Makes the spikes <paramref name="o"/> transient (freed once the forward has consumed them) and, when a backward
    /// is recorded, keeps them as bits (<see cref="SpikeBitsKernels"/>) from which a backward that reads them rebuilds
    /// the floats exactly (<see cref="Tensor.ReadForBackward()"/>). Returns the bit block, which the neuron's own
    /// backward frees (every reader of the spikes runs before it), or none.
    /// </summary>
    private static ArenaBlock[] KeepSpikes(Tensor o, bool record)
    {
        var d = o.Device;
        var block = o.Block!;
        block.Transient = true;
        if (!record)
            return [];
        int n = (int)o.Length;
        var bits = d.Arena.AllocateBlock(((n + 31L) >> 5) * sizeof(uint));
        var words = bits.View<uint>((n + 31L) >> 5);
        PackSpikes(d, o.View, words, n);
        block.Rematerialize = view => d.Launch(SpikeBitsKernels.Unpack, d.GridStride(n), words, view, n);
        block.SpikeBits = words;
        return [bits];
    }

    /// <summary>
    /// Packs the n spikes <paramref name="o"/> into <paramref name="words"/> (<see cref="SpikeBitsKernels"/>): on the CPU
    /// accelerator 16 spikes per view access (<see cref="SpikeBitsKernels.PackBlocks"/>) where n is a multiple of 32 and
    /// <paramref name="o"/> starts on a block of 16; else, and on GPUs, the plain <see cref="SpikeBitsKernels.Pack"/>.
    /// </summary>
    internal static void PackSpikes(Device d, ArrayView<float> o, ArrayView<uint> words, int n)
    {
        if (!d.Launches.Gpu && n % 32 == 0 && ((IContiguousArrayView)o).Index % 16 == 0)
            d.Launch(SpikeBitsKernels.PackBlocks, d.GridStride(words.Length), o, words, (int)words.Length, CpuLayout.Block(d, words.Length));
        else
            d.Launch(SpikeBitsKernels.Pack, d.GridStride(words.Length), o, words, n);
    }

    /// <summary>
    /// Where dx goes. When x has no gradient yet and the spike gradient g is held by the intermediate spikes
    /// <paramref name="o"/> alone (so nothing reads it after this backward), dx overwrites g in place (the backward
    /// kernels read g[k], u[k] and x[k] before writing dx[k], in the same thread) and g becomes x's gradient (InPlace);
    /// otherwise x's gradient, or scratch when only a parameter needs a gradient.
    /// </summary>
    private static (ArrayView<float> View, bool Accumulate, bool InPlace) InputGradient(Tensor x, Tensor o, Tensor g)
    {
        if (x.RequiresGrad && !x.HasGrad && !x.IsPersistent && o.Intermediate && g.Block is { Holds: 1 })
            return (g.View, false, true);
        if (!x.RequiresGrad)
            return (x.Device.Arena.Allocate<float>(x.Length), false, false);
        var (dx, acc) = x.GradientTarget();
        return (dx, acc, false);
    }
}
