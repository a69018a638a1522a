using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ILGPU;
using ILGPU.Frontend;

namespace Aia.Kernels.Neurons;

/// <summary>
/// The CPU accelerator's time loops: <see cref="NeuronDynamics"/>'s quad path (groups of one thread, a tile of 1,024
/// neurons run time step by time step) as 128-bit vector code on raw memory, one quad per vector, instead of a view
/// access per quad and array. The same operations in the same order (a multiply then an add, never fused; the
/// parameter-gradient sums added quad by quad in the plain order), so spikes, potentials, input gradients and sums equal
/// <see cref="PlainNeuronSteps"/>'s bit for bit. Where the quad path does not apply (groups of several threads, neurons
/// not in quads, the smooth test mode) it runs <see cref="NeuronDynamics"/> itself. As with <see cref="Gemm.VectorTileProduct"/>,
/// the vector code sits behind <see cref="ExternalAttribute"/> and only CPU launches instantiate this type.
/// </summary>
public readonly struct VectorNeuronSteps : INeuronSteps
{
    /// <inheritdoc/>
    public void Forward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> x, InputAffine affine, float scale, float decay,
        ArrayView<float> o, ArrayView<float> u, NeuronParameters p)
    {
        if (Applies(p))
            VectorNeuronLoops.Forward(slice, state, x, affine, scale, decay, o, u, p);
        else
            NeuronDynamics.Forward(slice, state, x, affine, scale, decay, o, u, p);
    }

    /// <inheritdoc/>
    public NeuronGradientSums RerunBackward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> potentials, int variant,
        ArrayView<float> g, ArrayView<float> x, InputAffine affine, float scale, float decay, ArrayView<float> dx, NeuronParameters p) =>
        Applies(p)
            ? VectorNeuronLoops.RerunBackward(slice, state, potentials, variant, g, x, affine, scale, decay, dx, p)
            : NeuronDynamics.RerunBackward(slice, state, potentials, variant, g, x, affine, scale, decay, dx, p);

    /// <summary>Quads, one thread per group, the Heaviside spike: the case the vector loops replace.</summary>
    private static bool Applies(NeuronParameters p) => p.Quads != 0 && Group.DimX == 1 && !(p.SmoothSlope > 0f);
}

/// <summary>The host-code bodies of <see cref="VectorNeuronSteps"/>: plain .NET, never seen by ILGPU's frontend.</summary>
internal static class VectorNeuronLoops
{
    [External("aia_cpu_vector_neuron_forward")]
    public static void Forward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> x, InputAffine affine, float scale, float decay,
        ArrayView<float> o, ArrayView<float> u, NeuronParameters p)
    {
        if (slice.End <= slice.Start)
            return;
        int tile = NeuronDynamics.TileFloats(1, p), m = p.Neurons, steps = p.Steps;
        bool save = p.SavePotential != 0;
        ref float xs = ref x[0], os = ref o[0], ks = ref state[0];
        ref float us = ref save ? ref u[0] : ref os;
        var c = new Constants(affine, scale, decay, p);
        for (int first = slice.Start; first < slice.End; first += tile)
        {
            int end = Math.Min(first + tile, slice.End);
            var start = slice.Cursor(first, 4);
            for (int t = 0, offset = 0; t < steps; t++, offset += m)
            {
                var cursor = start;
                for (int q = first; q < end; q += 4, cursor.Next())
                {
                    nuint k = (nuint)(offset + cursor.Index), s = (nuint)(q - first);
                    var kept = t == 0 ? Vector128<float>.Zero : Vector128.LoadUnsafe(ref ks, s);
                    var potential = c.Decay * kept + c.Scale * c.Input(Vector128.LoadUnsafe(ref xs, k));
                    var spike = c.Fire(potential);
                    spike.StoreUnsafe(ref os, k);
                    if (save)
                        potential.StoreUnsafe(ref us, k);
                    (potential * (c.One - spike)).StoreUnsafe(ref ks, s);
                }
            }
        }
    }

    [External("aia_cpu_vector_neuron_rerun_backward")]
    public static NeuronGradientSums RerunBackward(ChannelSlice slice, ArrayView<float> state, ArrayView<float> potentials, int variant,
        ArrayView<float> g, ArrayView<float> x, InputAffine affine, float scale, float decay, ArrayView<float> dx, NeuronParameters p)
    {
        float inputSum = 0f, decaySum = 0f;
        if (slice.End <= slice.Start)
            return new NeuronGradientSums(inputSum, decaySum);
        int tile = NeuronDynamics.TileFloats(1, p), m = p.Neurons, steps = p.Steps;
        bool detach = p.DetachReset != 0, lif = variant == NeuronDynamics.Lif, aia = variant == NeuronDynamics.Aia;
        ref float xs = ref x[0], gs = ref g[0], ds = ref dx[0], ks = ref state[0], ps = ref potentials[0];
        var c = new Constants(affine, scale, decay, p);
        for (int first = slice.Start; first < slice.End; first += tile)
        {
            int end = Math.Min(first + tile, slice.End);
            var start = slice.Cursor(first, 4);
            for (int t = 0, offset = 0; t < steps; t++, offset += m)
            {
                var cursor = start;
                for (int q = first; q < end; q += 4, cursor.Next())
                {
                    nuint k = (nuint)(offset + cursor.Index), s = (nuint)(q - first);
                    var kept = t == 0 ? Vector128<float>.Zero : Vector128.LoadUnsafe(ref ks, s);
                    var potential = c.Decay * kept + c.Scale * c.Input(Vector128.LoadUnsafe(ref xs, k));
                    potential.StoreUnsafe(ref ps, (nuint)(t * tile) + s);
                    (potential * (c.One - c.Fire(potential))).StoreUnsafe(ref ks, s);
                }
            }
            for (int t = steps - 1, offset = (steps - 1) * m; t >= 0; t--, offset -= m)
            {
                var cursor = start;
                for (int q = first; q < end; q += 4, cursor.Next())
                {
                    nuint k = (nuint)(offset + cursor.Index), s = (nuint)(q - first);
                    var next = t == steps - 1 ? Vector128<float>.Zero : Vector128.LoadUnsafe(ref ks, s);
                    var potential = Vector128.LoadUnsafe(ref ps, (nuint)(t * tile) + s);
                    var input = lif ? Vector128<float>.Zero : c.Input(Vector128.LoadUnsafe(ref xs, k));
                    // BackwardStep.Of, term by term.
                    var keep = c.One - c.Fire(potential);
                    var dOut = Vector128.LoadUnsafe(ref gs, k);
                    if (!detach)
                        dOut -= next * c.Decay * potential;
                    var du = dOut * c.Derivative(potential - c.Threshold) + next * c.Decay * keep;
                    (aia ? input * du : du * c.Scale).StoreUnsafe(ref ds, k);
                    du.StoreUnsafe(ref ks, s);
                    if (!lif)
                        inputSum += InOrder(du * input);
                    decaySum += InOrder(next * potential * keep);
                }
            }
        }
        return new NeuronGradientSums(inputSum, decaySum);
    }

    /// <summary>((v0 + v1) + v2) + v3: a quad's four terms summed as the plain path sums them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float InOrder(Vector128<float> v) => v.GetElement(0) + v.GetElement(1) + v.GetElement(2) + v.GetElement(3);

    /// <summary>The launch's constants as vectors, and the per-element maps of <see cref="InputAffine"/>, <see cref="NeuronDynamics.Fire"/> and <see cref="Surrogate.Derivative"/>.</summary>
    private readonly struct Constants
    {
        private readonly Vector128<float> mean, affineScale, shift, halfWidth, inverseWidth, atanSlope, atanPeak;
        private readonly bool affine;
        private readonly int kind;
        private readonly float alpha;

        public Constants(InputAffine map, float scale, float decay, NeuronParameters p)
        {
            affine = map.On != 0;
            mean = Vector128.Create(map.Mean);
            affineScale = Vector128.Create(map.Scale);
            shift = Vector128.Create(map.Shift);
            Scale = Vector128.Create(scale);
            Decay = Vector128.Create(decay);
            Threshold = Vector128.Create(p.Threshold);
            One = Vector128.Create(1f);
            kind = p.SurrogateKind;
            alpha = p.Alpha;
            // The scalar expressions of Surrogate.Derivative, evaluated as it evaluates them.
            halfWidth = Vector128.Create(0.5f * alpha);
            inverseWidth = Vector128.Create(1f / alpha);
            atanSlope = Vector128.Create(0.5f * MathF.PI * alpha);
            atanPeak = Vector128.Create(0.5f * alpha);
        }

        public Vector128<float> Scale { get; }

        public Vector128<float> Decay { get; }

        public Vector128<float> Threshold { get; }

        public Vector128<float> One { get; }

        /// <summary><see cref="InputAffine.Apply(Gemm.Float4)"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Input(Vector128<float> v) => affine ? (v - mean) * affineScale + shift : v;

        /// <summary>H(u - Vth): 1 where u &gt;= Vth (NaN gives 0, as the comparison does in scalar code).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Fire(Vector128<float> u) => Vector128.GreaterThanOrEqual(u, Threshold) & One;

        /// <summary>The surrogate at x = u - Vth: rectangular and ATan as vectors, the others lane by lane with the scalar function.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Derivative(Vector128<float> x)
        {
            if (kind == Surrogate.Rectangular)
                return (Vector128.LessThan(Vector128.Abs(x), halfWidth) & One) * inverseWidth;
            if (kind == Surrogate.ATan)
            {
                var z = atanSlope * x;
                return atanPeak / (One + z * z);
            }
            return Vector128.Create(Surrogate.Derivative(kind, x.GetElement(0), alpha), Surrogate.Derivative(kind, x.GetElement(1), alpha),
                Surrogate.Derivative(kind, x.GetElement(2), alpha), Surrogate.Derivative(kind, x.GetElement(3), alpha));
        }
    }
}
