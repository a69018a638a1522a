using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels.Neurons;

public static partial class NeuronDynamics
{
    /// <summary>
    /// Floats of the potentials one group keeps for <see cref="RerunBackward"/>: T times the units of one tile, for groups
    /// of <paramref name="threads"/> threads launched with <paramref name="p"/>'s tiling.
    /// </summary>
    public static int TileFloats(int threads, NeuronParameters p) =>
        p.Quads != 0 && 4 * threads <= MaxTile ? 4 * Tile(threads, p.Lanes, 4) : Tile(threads, p.Lanes, 1);

    /// <summary>
    /// BPTT of backward <paramref name="variant"/> (<see cref="Lif"/>, <see cref="Aia"/> or <see cref="CachedAia"/>, no accumulation)
    /// of the neurons of <paramref name="slice"/>, tile by tile:
    /// the forward of the tile is rerun first from the input currents (read through <paramref name="affine"/>), keeping
    /// u[t] before reset in <paramref name="potentials"/> (this group's T x tile floats, see <see cref="TileFloats"/>), then
    /// the tile's backward runs over them. The same steps in the same order as <see cref="Forward(ChannelSlice, ArrayView{float}, ArrayView{float}, InputAffine, float, float, ArrayView{float}, ArrayView{float}, NeuronParameters)"/>
    /// followed by <see cref="Backward(ChannelSlice, ArrayView{float}, int, ArrayView{float}, ArrayView{float}, ArrayView{float}, InputAffine, float, float, ArrayView{float}, int, NeuronParameters)"/>
    /// with the same variant, so dx and the sums (the input and decay terms of PLIF's and cached AIA's parameter gradients) are
    /// theirs bit for bit; but u never needs a tensor of its own, and <paramref name="dx"/> may be
    /// <paramref name="g"/> (each dx[k] is written after g[k] is read, by the same thread).
    /// </summary>
    public static NeuronGradientSums RerunBackward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> potentials, int variant,
        ArrayView<float> g, ArrayView<float> x, InputAffine affine, float scale, float decay, ArrayView<float> dx, NeuronParameters p) =>
        UsesQuads(p)
            ? RerunBackwardQuads(slice, state.Cast<Float4>(), potentials.Cast<Float4>(), variant, g.Cast<Float4>(), x.Cast<Float4>(), affine,
                scale, decay, dx.Cast<Float4>(), p)
            : RerunBackwardScalars(slice, state, potentials, variant, g, x, affine, scale, decay, dx, p);

    private static NeuronGradientSums RerunBackwardScalars(ChannelSlice slice, ArrayView<float> state, ArrayView<float> potentials,
        int variant, ArrayView<float> g, ArrayView<float> x, InputAffine affine, float scale, float decay, ArrayView<float> dx, NeuronParameters p)
    {
        int thread = Group.IdxX, threads = Group.DimX;
        int tile = Tile(threads, p.Lanes, 1), m = p.Neurons, steps = p.Steps;
        float inputSum = 0f, decaySum = 0f;
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
                    potentials[t * tile + s] = n.Potential;
                    state[s] = n.Kept;
                }
            }
            for (int t = steps - 1, offset = (steps - 1) * m; t >= 0; t--, offset -= m)
            {
                var cursor = start;
                for (int q = first + thread; q < end; q += threads, cursor.Next())
                {
                    int k = offset + cursor.Index, s = q - first;
                    var n = BackwardStep.Of(t == steps - 1 ? 0f : state[s], potentials[t * tile + s], g[k], variant != Lif ? affine.Apply(x[k]) : 0f,
                        variant, scale, decay, p);
                    dx[k] = n.InputGradient;
                    state[s] = n.PotentialGradient;
                    inputSum += n.InputTerm;
                    decaySum += n.DecayTerm;
                }
            }
        }
        return new NeuronGradientSums(inputSum, decaySum);
    }

    /// <summary>As <see cref="RerunBackwardScalars"/> over quads (see <see cref="ForwardQuads"/>); sums in component order.</summary>
    private static NeuronGradientSums RerunBackwardQuads(ChannelSlice slice, ArrayView<Float4> state, ArrayView<Float4> potentials,
        int variant, ArrayView<Float4> g, ArrayView<Float4> x, InputAffine affine, float scale, float decay, ArrayView<Float4> dx, NeuronParameters p)
    {
        int thread = Group.IdxX, threads = Group.DimX;
        int tile = 4 * Tile(threads, p.Lanes, 4), quads = tile / 4, m = p.Neurons / 4, steps = p.Steps;
        float inputSum = 0f, decaySum = 0f;
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
                    potentials[t * quads + s] = new Float4(a.Potential, b.Potential, c.Potential, e.Potential);
                    state[s] = new Float4(a.Kept, b.Kept, c.Kept, e.Kept);
                }
            }
            for (int t = steps - 1, offset = (steps - 1) * m; t >= 0; t--, offset -= m)
            {
                var cursor = start;
                for (int q = first + 4 * thread; q < end; q += 4 * threads, cursor.Next())
                {
                    int k = offset + (cursor.Index >> 2), s = (q - first) >> 2;
                    var next = t == steps - 1 ? default : state[s];
                    var potential = potentials[t * quads + s];
                    var upstream = g[k];
                    var input = variant != Lif ? affine.Apply(x[k]) : default;
                    var a = BackwardStep.Of(next.X, potential.X, upstream.X, input.X, variant, scale, decay, p);
                    var b = BackwardStep.Of(next.Y, potential.Y, upstream.Y, input.Y, variant, scale, decay, p);
                    var c = BackwardStep.Of(next.Z, potential.Z, upstream.Z, input.Z, variant, scale, decay, p);
                    var e = BackwardStep.Of(next.W, potential.W, upstream.W, input.W, variant, scale, decay, p);
                    dx[k] = new Float4(a.InputGradient, b.InputGradient, c.InputGradient, e.InputGradient);
                    state[s] = new Float4(a.PotentialGradient, b.PotentialGradient, c.PotentialGradient, e.PotentialGradient);
                    inputSum += a.InputTerm + b.InputTerm + c.InputTerm + e.InputTerm;
                    decaySum += a.DecayTerm + b.DecayTerm + c.DecayTerm + e.DecayTerm;
                }
            }
        }
        return new NeuronGradientSums(inputSum, decaySum);
    }
}
