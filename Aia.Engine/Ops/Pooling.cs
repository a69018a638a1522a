using Aia.Engine.Runtime;
using Aia.Kernels;
using Aia.Kernels.Neurons;

namespace Aia.Engine.Ops;

/// <summary>
/// 2-d pooling over the last two dimensions of x [..., H, W] (every leading dimension is folded into planes, so
/// [T, N, C, H, W] and [B, C, H, W] both work), without padding: out = floor((in - kernel) / stride) + 1.
/// </summary>
public static class Pooling
{
    /// <summary>Average pooling with a square window (stride defaults to the kernel size).</summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int? stride = null)
    {
        var d = x.Device;
        var g = Geometry("AvgPool2d", x.Shape, kernel, stride ?? kernel);
        var y = Tensor.Empty(d, OutputShape(x.Shape, g));
        if (x.Block is { IsFreed: true, SpikeBits: { } kept })
            AvgPoolBits(d, kept, y.View, g); // spikes that exist only as bits
        else
            d.Launch(PoolingKernels.AvgForward, d.GridStride(g.OutputLength), x.View, y.View, Layout(d, g, x.View));
        if (x.Block is { SpikeBits: { } bits })
        {
            // Pooled spikes: transient, rebuilt from the spike bits (kept until the neuron's backward) when read.
            y.Block!.Transient = true;
            y.Block.Rematerialize = view => AvgPoolBits(d, bits, view, g);
        }
        if (d.Tape.Needs(x))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy) return;
                var (dx, acc) = Target(x, g);
                if (g.Disjoint)
                    d.Launch(PoolingKernels.AvgBackwardScatter, d.GridStride(g.OutputLength), dy.View, dx, Layout(d, g, dy.View, dx),
                        Elementwise.Flag(acc));
                else
                    d.Launch(PoolingKernels.AvgBackward, d.GridStride(g.InputLength), dy.View, dx, g, Elementwise.Flag(acc));
            });
        }
        return y;
    }

    /// <summary>Max pooling with a square window; the argmax of every window is saved (arena, int) for the backward.</summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int? stride = null)
    {
        var d = x.Device;
        var g = Geometry("MaxPool2d", x.Shape, kernel, stride ?? kernel);
        var y = Tensor.Empty(d, OutputShape(x.Shape, g));
        var argmax = d.Arena.Allocate<int>(g.OutputLength);
        d.Launch(PoolingKernels.MaxForward, d.GridStride(g.OutputLength), x.View, y.View, argmax, g);
        if (d.Tape.Needs(x))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy) return;
                var (dx, acc) = Target(x, g);
                if (g.Disjoint)
                    d.Launch(PoolingKernels.MaxBackwardScatter, d.GridStride(g.OutputLength), dy.View, argmax, dx, g, Elementwise.Flag(acc));
                else
                    d.Launch(PoolingKernels.MaxBackward, d.GridStride(g.InputLength), dy.View, argmax, dx, g, Elementwise.Flag(acc));
            });
        }
        return y;
    }

    /// <summary>
    /// The gradient target of x. A scatter backward (disjoint windows) writes only the cells inside windows, so
    /// when some cells lie outside every window and the gradient is overwritten they are zeroed first.
    /// </summary>
    private static (ILGPU.ArrayView<float> View, bool Accumulate) Target(Tensor x, PoolGeometry g)
    {
        var (dx, acc) = x.GradientTarget();
        if (g.Disjoint && !g.Covering && !acc)
            Elementwise.Fill(x.Device, dx, 0f);
        return (dx, acc);
    }

    /// <summary>
    /// Average pooling of spikes kept as bits into <paramref name="y"/>: four outputs per two words where the CPU accelerator
    /// runs quads (<see cref="SpikeBitsKernels.AvgPoolQuads"/>), else one output per thread (<see cref="SpikeBitsKernels.AvgPool"/>).
    /// </summary>
    internal static void AvgPoolBits(Device d, ILGPU.ArrayView<uint> bits, ILGPU.ArrayView<float> y, PoolGeometry g)
    {
        var layout = Layout(d, g, y);
        if (layout.Quads != 0)
            d.Launch(SpikeBitsKernels.AvgPoolQuads, d.GridStride(g.OutputLength), bits, y, layout);
        else
            d.Launch(SpikeBitsKernels.AvgPool, d.GridStride(g.OutputLength), bits, y, g);
    }

    /// <summary>
    /// <paramref name="g"/> laid out for <paramref name="d"/> (see <see cref="CpuLayout"/>): quads where the windows
    /// and <paramref name="views"/> allow, and blocks of the output units.
    /// </summary>
    private static PoolGeometry Layout(Device d, PoolGeometry g, params ILGPU.ArrayView<float>[] views)
    {
        bool quads = g.QuadShaped && CpuLayout.Quads(d, g.InW, views);
        return g with { Quads = quads ? 1 : 0, Block = CpuLayout.Block(d, quads ? g.OutputLength / 4 : g.OutputLength) };
    }

    private static PoolGeometry Geometry(string op, Shape shape, int kernel, int stride)
    {
        if (shape.Rank < 3)
            throw new ArgumentException($"{op}: expected [..., C, H, W] ([T, N, C, H, W] or [B, C, H, W]), got {shape}.");
        int h = shape[-2], w = shape[-1];
        if (kernel < 1 || stride < 1 || kernel > h || kernel > w)
            throw new ArgumentException($"{op}: kernel {kernel} and stride {stride} do not fit input {shape} (need 1 <= kernel <= H, W and stride >= 1).");
        if (shape.Length > int.MaxValue)
            throw new ArgumentException($"{op}: input {shape} has more than 2^31 elements.");
        return new PoolGeometry((int)shape.Product(0, shape.Rank - 2), h, w, (h - kernel) / stride + 1, (w - kernel) / stride + 1,
            kernel, kernel, stride, stride);
    }

    private static Shape OutputShape(Shape input, PoolGeometry g)
    {
        var dims = input.ToArray();
        dims[^2] = g.OutH;
        dims[^1] = g.OutW;
        return new Shape(dims);
    }
}
