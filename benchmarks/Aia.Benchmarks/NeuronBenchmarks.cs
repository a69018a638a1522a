using Aia.Engine.Runtime;
using Aia.Kernels.Neurons;
using ILGPU;
using ILGPU.Runtime;
using Device = Aia.Engine.Runtime.Device;
using KernelConfig = ILGPU.KernelConfig;

namespace Aia.Benchmarks;

/// <summary>
/// The fused neuron kernels at the widest VGGSNN layer, [10, 32/scale, 128, 64, 64]. Bytes are what the kernels
/// must move per neuron and time step: forward x read, o and u written (12); backward g and u read, dx written
/// (12; cached AIA also reads x: 16). A plain device copy of the same tensor is the bandwidth yardstick.
/// </summary>
public static class NeuronBenchmarks
{
    /// <summary>The cases; <paramref name="scale"/> divides the batch.</summary>
    public static IEnumerable<BenchmarkCase> Cases(int scale)
    {
        var shape = new Shape(10, Math.Max(1, 32 / scale), 128, 64, 64);
        long n = shape.Length;
        int neurons = (int)(n / 10);
        string s = shape.ToString();
        yield return new BenchmarkCase("neuron.lif.forward", s, 5.0 * n, 12.0 * n, d =>
        {
            var (x, o, u, _) = Buffers(d, shape);
            var (p, chunks, items) = Launch(d, neurons, perChannel: false);
            return () => d.Launch(Forward(d), items, x.View, o.View, u.View, chunks, p);
        });
        yield return new BenchmarkCase("neuron.lif.backward", s, 12.0 * n, 12.0 * n, d =>
        {
            var (g, _, u, dx) = Buffers(d, shape);
            var (p, chunks, items) = Launch(d, neurons, perChannel: false);
            return () => d.Launch(LifKernels.Backward, items, g.View, u.View, dx.View, chunks, 0, p);
        });
        yield return new BenchmarkCase("neuron.lif.forward+backward", s, 17.0 * n, 24.0 * n, d =>
        {
            var (x, o, u, dx) = Buffers(d, shape);
            var (p, chunks, items) = Launch(d, neurons, perChannel: false);
            return () =>
            {
                d.Launch(Forward(d), items, x.View, o.View, u.View, chunks, p);
                d.Launch(LifKernels.Backward, items, o.View, u.View, dx.View, chunks, 0, p);
            };
        });
        // The fused backward of LIF's op where x is a batch norm's output (the plain path is forward+backward above): the
        // forward rerun reads c through the map, the backward reads g and writes dx (in the op, over g); u stays in a per-group scratch.
        yield return new BenchmarkCase("neuron.lif.fused-backward", s, 20.0 * n, 12.0 * n, d =>
        {
            var (c, g, dx, _) = Buffers(d, shape);
            var (p, chunks, items) = Launch(d, neurons, perChannel: true);
            var bn = new BatchNormAffine(Channel(d, 0.1f), Channel(d, 1.5f), Channel(d, 0.8f), Channel(d, 0.2f));
            var potentials = Tensor.Persistent(d, new Shape(items.GridDim.X * 10 * NeuronDynamics.TileFloats(d.GroupSize, p)));
            return () => d.Launch(Engine.Ops.Spiking.Steps(d, LifKernels.BackwardFromNormalized<VectorNeuronSteps>, LifKernels.BackwardFromNormalized<PlainNeuronSteps>), items, g.View, c.View, bn, NeuronDynamics.Lif, dx.View, potentials.View,
                chunks, p);
        });
        yield return new BenchmarkCase("neuron.cached-aia.backward", s, 14.0 * n, 16.0 * n, d =>
        {
            var (x, g, u, dx) = Buffers(d, shape);
            var beta = Tensor.Persistent(d, new Shape(128));
            var (p, chunks, items) = Launch(d, neurons, perChannel: true);
            var partials = Tensor.Persistent(d, new Shape(128 * chunks));
            var dbeta = Tensor.Persistent(d, new Shape(128));
            return () =>
            {
                d.Launch(CachedAiaKernels.Backward, items, g.View, u.View, x.View, beta.View, dx.View, partials.View, chunks, 0, p);
                d.Launch(CachedAiaKernels.BetaGradient, d.GridStride(128), partials.View, dbeta.View, chunks, 0);
            };
        });
        yield return new BenchmarkCase("copy.device", s, 0, 8.0 * n, d =>
        {
            var (x, y, _, _) = Buffers(d, shape);
            return () => x.View.CopyTo(y.View);
        });
    }

    /// <summary>The LIF forward the engine runs on <paramref name="d"/> (the CPU's vector loops where it has them).</summary>
    private static Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, NeuronParameters> Forward(Device d) =>
        Engine.Ops.Spiking.Steps<Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, NeuronParameters>>(d,
            LifKernels.Forward<VectorNeuronSteps>, LifKernels.Forward<PlainNeuronSteps>);

    /// <summary>
    /// The op's launch shape: parameters with the device's lanes, and the items of a layer-wide kernel (LIF) or of a
    /// per-channel one (cached AIA): chunks per channel and the item grid.
    /// </summary>
    private static (NeuronParameters P, int Chunks, KernelConfig Items) Launch(Device d, int neurons, bool perChannel)
    {
        var p = Engine.Ops.Spiking.WithLaunchShape(d, new NeuronParameters(10, neurons, 128, 64 * 64, 0.5f, 1f, 0, 1f, false, 0f, true));
        int slices = perChannel ? 128 : 1;
        int chunks = Engine.Ops.Spiking.Chunks(d, slices, neurons / slices);
        return (p, chunks, new KernelConfig(Math.Min(d.GroupCount, slices * chunks), d.GroupSize));
    }

    /// <summary>One value per channel (a batch norm's statistic or parameter).</summary>
    private static ArrayView<float> Channel(Device d, float value)
    {
        var t = Tensor.Persistent(d, new Shape(128));
        t.CopyFrom(Enumerable.Repeat(value, 128).ToArray());
        return t.View;
    }

    /// <summary>Four tensors of values uniform in [-1, 2): inputs, potentials and gradients around the threshold.</summary>
    private static (Tensor, Tensor, Tensor, Tensor) Buffers(Device d, Shape shape)
    {
        Tensor Random(ulong seed)
        {
            var t = Tensor.Persistent(d, shape);
            Init.Uniform(t, -1f, 2f, new Rng(seed));
            return t;
        }
        return (Random(1), Random(2), Random(3), Random(4));
    }
}
