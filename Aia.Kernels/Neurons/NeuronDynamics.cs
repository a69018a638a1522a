using System.Runtime.CompilerServices;
using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Neurons;

/// <summary>
/// The time loops of the neurons of one work item (a <see cref="ChannelSlice"/>), forward (Eq. 1-2, see
/// <see cref="ForwardStep"/>) and backward (BPTT, see <see cref="BackwardStep"/>), shared by every neuron kernel.
/// A device helper, not a kernel family: the kernels pick the items a group runs and call these. Arrays are
/// time-major: element (t, i) of a [T, neurons] tensor is at t * neurons + i.
/// <para>
/// Order of work: the item is cut into tiles of threads * <see cref="NeuronParameters.Lanes"/> units (a neuron,
/// or with <see cref="NeuronParameters.Quads"/> four consecutive neurons read and written as one
/// <see cref="Float4"/>), and a tile is run time step by time step, each thread taking units thread,
/// thread + threads, ...; the state a neuron carries to the next step lives in shared memory (each thread reads
/// only its own slots, so no barrier). GPUs run one scalar lane: every warp access is coalesced, as with one
/// neuron per thread. On the CPU accelerator a group is one OS thread and every view access costs a bounds check
/// and a buffer lookup: a full tile of quads streams 4 KB runs of each array per step, instead of walking T
/// addresses a time step apart per neuron (power-of-two strides that collide in the caches), with a quarter of
/// the accesses. Each neuron's arithmetic is the same whatever the tiling, so outputs and input gradients do not
/// depend on it bitwise; only the summation order of the parameter gradients does. The kernels reach these loops through
/// <see cref="PlainNeuronSteps"/>; on the CPU accelerator <see cref="VectorNeuronSteps"/> runs the quad path as vector code,
/// bit for bit the same.
/// </para>
/// </summary>
public static partial class NeuronDynamics
{
    /// <summary>Backward variant of LIF, IF and PLIF: dx[t] = du[t].</summary>
    public const int Lif = 0;

    /// <summary>Backward variant of AIA (Eq. 6-7): dx[t] = x[t] du[t].</summary>
    public const int Aia = 1;

    /// <summary>Backward variant of cached AIA (Eq. 8-9): dx[t] = beta du[t]; also sums du[t] x[t] for dbeta.</summary>
    public const int CachedAia = 2;

    /// <summary>Most neurons a group runs through time together: the length of the shared state.</summary>
    public const int MaxTile = 1024;

    /// <summary>The shared-memory state of a tile; allocate once per kernel, before any loop.</summary>
    public static ArrayView<float> AllocateState() => SharedMemory.Allocate<float>(MaxTile);

    /// <summary>o = H(u - Vth) (1 at u = Vth), or sigmoid(k (u - Vth)) in the smooth test mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fire(float u, NeuronParameters p) =>
        p.SmoothSlope > 0f ? Surrogate.Logistic(p.SmoothSlope * (u - p.Threshold)) : Surrogate.Indicator(u >= p.Threshold);

    /// <summary>do/du: the configured surrogate, or the exact derivative in the smooth test mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FireDerivative(float u, NeuronParameters p) =>
        p.SmoothSlope > 0f
            ? Surrogate.Derivative(Surrogate.Sigmoid, u - p.Threshold, p.SmoothSlope)
            : Surrogate.Derivative(p.SurrogateKind, u - p.Threshold, p.Alpha);

    /// <summary>
    /// Runs the neurons of <paramref name="slice"/> through all time steps with input current scale * x[t]. Writes o
    /// and, when <see cref="NeuronParameters.SavePotential"/> is set, u[t] before the reset. Every thread of the
    /// group calls it. <paramref name="o"/> and <paramref name="u"/> may be one view: each u[k] is written after o[k]
    /// by the same thread, so it holds u (the backward's recomputation of u relies on this).
    /// </summary>
    public static void Forward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> x, float scale, float decay,
        ArrayView<float> o, ArrayView<float> u, NeuronParameters p) =>
        Forward(slice, state, x, default, scale, decay, o, u, p);

    /// <summary>As <see cref="Forward(ChannelSlice, ArrayView{float}, ArrayView{float}, float, float, ArrayView{float}, ArrayView{float}, NeuronParameters)"/>
    /// with the input current read through <paramref name="affine"/>.</summary>
    public static void Forward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> x, InputAffine affine, float scale, float decay,
        ArrayView<float> o, ArrayView<float> u, NeuronParameters p)
    {
        if (UsesQuads(p))
            ForwardQuads(slice, state.Cast<Float4>(), x.Cast<Float4>(), affine, scale, decay, o.Cast<Float4>(), u.Cast<Float4>(), p);
        else
            ForwardScalars(slice, state, x, affine, scale, decay, o, u, p);
    }

    /// <summary>
    /// BPTT of the neurons of <paramref name="slice"/> in reverse time (du[T] = 0). Writes dx[t] per
    /// <paramref name="variant"/> (overwrite, or add when <paramref name="accumulate"/> is 1) and returns the calling
    /// thread's sums for the parameter gradients. Every thread of the group calls it.
    /// </summary>
    public static NeuronGradientSums Backward(ChannelSlice slice, ArrayView<float> state, int variant, ArrayView<float> g,
        ArrayView<float> u, ArrayView<float> x, float scale, float decay, ArrayView<float> dx, int accumulate, NeuronParameters p) =>
        Backward(slice, state, variant, g, u, x, default, scale, decay, dx, accumulate, p);

    /// <summary>As <see cref="Backward(ChannelSlice, ArrayView{float}, int, ArrayView{float}, ArrayView{float}, ArrayView{float}, float, float, ArrayView{float}, int, NeuronParameters)"/>
    /// with the input current read through <paramref name="affine"/>. u and dx may be one view (without accumulation):
    /// each dx[k] is written after u[k], g[k] and x[k] are read, by the same thread.</summary>
    public static NeuronGradientSums Backward(ChannelSlice slice, ArrayView<float> state, int variant, ArrayView<float> g,
        ArrayView<float> u, ArrayView<float> x, InputAffine affine, float scale, float decay, ArrayView<float> dx, int accumulate, NeuronParameters p) =>
        UsesQuads(p)
            ? BackwardQuads(slice, state.Cast<Float4>(), variant, g.Cast<Float4>(), u.Cast<Float4>(), x.Cast<Float4>(), affine, scale, decay,
                dx.Cast<Float4>(), accumulate, p)
            : BackwardScalars(slice, state, variant, g, u, x, affine, scale, decay, dx, accumulate, p);

    /// <summary>Units per tile for groups of <paramref name="threads"/>: threads * lanes, the state at most MaxTile floats.</summary>
    private static int Tile(int threads, int lanes, int width) => threads * IntrinsicMath.Clamp(lanes, 1, MaxTile / (width * threads));

    /// <summary>Quads need a whole quad of state per thread (groups of at most MaxTile / 4 threads).</summary>
    private static bool UsesQuads(NeuronParameters p) => p.Quads != 0 && 4 * Group.DimX <= MaxTile;

    private static void ForwardScalars(ChannelSlice slice, ArrayView<float> state, ArrayView<float> x, InputAffine affine, float scale, float decay,
        ArrayView<float> o, ArrayView<float> u, NeuronParameters p)
    {
        int thread = Group.IdxX, threads = Group.DimX;
        int tile = Tile(threads, p.Lanes, 1), m = p.Neurons, steps = p.Steps, save = p.SavePotential;
        for (int first = slice.Start; first < slice.End; first += tile)
        {
            int end = Math.Min(first + tile, slice.End);
            var start = slice.Cursor(first + thread, threads);
            for (int t = 0, offset = 0; t < steps; t++, offset += m)
            {
                var cursor = start;
                for (int q = first + thread; q < end; q += threads, cursor.Next())
                {
                    int k = offset + cursor.Index, s = q - first;
                    var n = ForwardStep.Of(t == 0 ? 0f : state[s], affine.Apply(x[k]), scale, decay, p);
                    o[k] = n.Spike;
                    if (save != 0)
                        u[k] = n.Potential;
                    state[s] = n.Kept;
                }
            }
        }
    }

    /// <summary>As <see cref="ForwardScalars"/> over quads: the slice starts on a quad, and S and the neurons are multiples of 4.</summary>
    private static void ForwardQuads(ChannelSlice slice, ArrayView<Float4> state, ArrayView<Float4> x, InputAffine affine, float scale, float decay,
        ArrayView<Float4> o, ArrayView<Float4> u, NeuronParameters p)
    {
        int thread = Group.IdxX, threads = Group.DimX;
        int tile = 4 * Tile(threads, p.Lanes, 4), m = p.Neurons / 4, steps = p.Steps, save = p.SavePotential;
        for (int first = slice.Start; first < slice.End; first += tile)
        {
            int end = Math.Min(first + tile, slice.End);
            var start = slice.Cursor(first + 4 * thread, 4 * threads);
            for (int t = 0, offset = 0; t < steps; t++, offset += m)
            {
                var cursor = start;
                for (int q = first + 4 * thread; q < end; q += 4 * threads, cursor.Next())
                {
                    int k = offset + (cursor.Index >> 2), s = (q - first) >> 2;
                    var kept = t == 0 ? default : state[s];
                    var input = affine.Apply(x[k]);
                    var a = ForwardStep.Of(kept.X, input.X, scale, decay, p);
                    var b = ForwardStep.Of(kept.Y, input.Y, scale, decay, p);
                    var c = ForwardStep.Of(kept.Z, input.Z, scale, decay, p);
                    var e = ForwardStep.Of(kept.W, input.W, scale, decay, p);
                    o[k] = new Float4(a.Spike, b.Spike, c.Spike, e.Spike);
                    if (save != 0)
                        u[k] = new Float4(a.Potential, b.Potential, c.Potential, e.Potential);
                    state[s] = new Float4(a.Kept, b.Kept, c.Kept, e.Kept);
                }
            }
        }
    }

    private static NeuronGradientSums BackwardScalars(ChannelSlice slice, ArrayView<float> state, int variant, ArrayView<float> g,
        ArrayView<float> u, ArrayView<float> x, InputAffine affine, float scale, float decay, ArrayView<float> dx, int accumulate, NeuronParameters p)
    {
        int thread = Group.IdxX, threads = Group.DimX;
        int tile = Tile(threads, p.Lanes, 1), m = p.Neurons, steps = p.Steps;
        float inputSum = 0f, decaySum = 0f;
        for (int first = slice.Start; first < slice.End; first += tile)
        {
            int end = Math.Min(first + tile, slice.End);
            var start = slice.Cursor(first + thread, threads);
            for (int t = steps - 1, offset = (steps - 1) * m; t >= 0; t--, offset -= m)
            {
                var cursor = start;
                for (int q = first + thread; q < end; q += threads, cursor.Next())
                {
                    int k = offset + cursor.Index, s = q - first;
                    var n = BackwardStep.Of(t == steps - 1 ? 0f : state[s], u[k], g[k], variant != Lif ? affine.Apply(x[k]) : 0f, variant, scale, decay, p);
                    dx[k] = accumulate != 0 ? dx[k] + n.InputGradient : n.InputGradient;
                    state[s] = n.PotentialGradient;
                    inputSum += n.InputTerm;
                    decaySum += n.DecayTerm;
                }
            }
        }
        return new NeuronGradientSums(inputSum, decaySum);
    }

    /// <summary>As <see cref="BackwardScalars"/> over quads (see <see cref="ForwardQuads"/>); sums in component order.</summary>
    private static NeuronGradientSums BackwardQuads(ChannelSlice slice, ArrayView<Float4> state, int variant, ArrayView<Float4> g,
        ArrayView<Float4> u, ArrayView<Float4> x, InputAffine affine, float scale, float decay, ArrayView<Float4> dx, int accumulate, NeuronParameters p)
    {
        int thread = Group.IdxX, threads = Group.DimX;
        int tile = 4 * Tile(threads, p.Lanes, 4), m = p.Neurons / 4, steps = p.Steps;
        float inputSum = 0f, decaySum = 0f;
        for (int first = slice.Start; first < slice.End; first += tile)
        {
            int end = Math.Min(first + tile, slice.End);
            var start = slice.Cursor(first + 4 * thread, 4 * threads);
            for (int t = steps - 1, offset = (steps - 1) * m; t >= 0; t--, offset -= m)
            {
                var cursor = start;
                for (int q = first + 4 * thread; q < end; q += 4 * threads, cursor.Next())
                {
                    int k = offset + (cursor.Index >> 2), s = (q - first) >> 2;
                    var next = t == steps - 1 ? default : state[s];
                    var potential = u[k];
                    var upstream = g[k];
                    var input = variant != Lif ? affine.Apply(x[k]) : default;
                    var a = BackwardStep.Of(next.X, potential.X, upstream.X, input.X, variant, scale, decay, p);
                    var b = BackwardStep.Of(next.Y, potential.Y, upstream.Y, input.Y, variant, scale, decay, p);
                    var c = BackwardStep.Of(next.Z, potential.Z, upstream.Z, input.Z, variant, scale, decay, p);
                    var e = BackwardStep.Of(next.W, potential.W, upstream.W, input.W, variant, scale, decay, p);
                    var grad = new Float4(a.InputGradient, b.InputGradient, c.InputGradient, e.InputGradient);
                    if (accumulate != 0)
                    {
                        var prior = dx[k];
                        grad = new Float4(prior.X + grad.X, prior.Y + grad.Y, prior.Z + grad.Z, prior.W + grad.W);
                    }
                    dx[k] = grad;
                    state[s] = new Float4(a.PotentialGradient, b.PotentialGradient, c.PotentialGradient, e.PotentialGradient);
                    inputSum += a.InputTerm + b.InputTerm + c.InputTerm + e.InputTerm;
                    decaySum += a.DecayTerm + b.DecayTerm + c.DecayTerm + e.DecayTerm;
                }
            }
        }
        return new NeuronGradientSums(inputSum, decaySum);
    }
}
