using Aia.Engine.Runtime;
using Aia.Kernels;
using ILGPU;

namespace Aia.Engine.Ops;

/// <summary>Elementwise operations: each launches its forward kernel and records its backward on the tape.</summary>
public static class Elementwise
{
    internal static int Flag(bool accumulate) => accumulate ? 1 : 0;

    /// <summary>Fills a view with a constant.</summary>
    public static void Fill(Device device, ArrayView<float> y, float value) =>
        device.Launch(ElementwiseKernels.Fill, device.GridStride(y.Length), y, value);

    /// <summary>y = x, or y += x when <paramref name="accumulate"/>.</summary>
    public static void CopyOrAdd(Device device, ArrayView<float> x, ArrayView<float> y, bool accumulate)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"CopyOrAdd: {x.Length} elements into {y.Length}.");
        device.Launch(ElementwiseKernels.CopyOrAdd, device.GridStride(y.Length), x, y, Flag(accumulate));
    }

    /// <summary>into += scale * x, outside the tape (running sums of metrics on the device).</summary>
    public static void Accumulate(Device device, ArrayView<float> x, ArrayView<float> into, float scale)
    {
        if (x.Length != into.Length)
            throw new ArgumentException($"Accumulate: {x.Length} elements into {into.Length}.");
        device.Launch(ElementwiseKernels.Scale, device.GridStride(into.Length), x, into, scale, 1);
    }

    /// <summary>A reshape that shares storage; its backward reshapes the gradient back (no copy).</summary>
    public static Tensor Reshape(Tensor x, Shape shape)
    {
        var y = x.ViewAs(shape);
        y.RequiresGrad = false;
        var tape = x.Device.Tape;
        if (tape.Needs(x))
            tape.Record(y, () => { if (y.Grad is { } g) x.AdoptOrAddGradient(g); });
        return y;
    }

    /// <summary>a + b (same shape).</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        CheckSameShape("Add", a, b);
        var d = a.Device;
        var y = Tensor.Empty(d, a.Shape);
        d.Launch(ElementwiseKernels.Add, d.GridStride(y.Length), a.View, b.View, y.View);
        if (d.Tape.Needs(a, b))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } g) return;
                foreach (var input in new[] { a, b })
                {
                    if (!input.RequiresGrad) continue;
                    var (dx, acc) = input.GradientTarget();
                    CopyOrAdd(d, g.View, dx, acc);
                }
            });
        }
        return y;
    }

    /// <summary>a * b elementwise (same shape).</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        CheckSameShape("Multiply", a, b);
        var d = a.Device;
        var y = Tensor.Empty(d, a.Shape);
        d.Launch(ElementwiseKernels.Multiply, d.GridStride(y.Length), a.View, b.View, y.View);
        if (d.Tape.Needs(a, b))
        {
            a.PinForBackward();
            b.PinForBackward();
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } g) return;
                if (a.RequiresGrad)
                {
                    var (da, acc) = a.GradientTarget();
                    d.Launch(ElementwiseKernels.MultiplyBackward, d.GridStride(a.Length), g.View, b.View, da, Flag(acc));
                }
                if (b.RequiresGrad)
                {
                    var (db, acc) = b.GradientTarget();
                    d.Launch(ElementwiseKernels.MultiplyBackward, d.GridStride(b.Length), g.View, a.View, db, Flag(acc));
                }
            });
        }
        return y;
    }

    /// <summary>scale * x.</summary>
    public static Tensor Scale(Tensor x, float scale)
    {
        var d = x.Device;
        var y = Tensor.Empty(d, x.Shape);
        d.Launch(ElementwiseKernels.Scale, d.GridStride(y.Length), x.View, y.View, scale, 0);
        if (d.Tape.Needs(x))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } g) return;
                var (dx, acc) = x.GradientTarget();
                d.Launch(ElementwiseKernels.Scale, d.GridStride(x.Length), g.View, dx, scale, Flag(acc));
            });
        }
        return y;
    }

    /// <summary>tanh(x).</summary>
    public static Tensor Tanh(Tensor x)
    {
        var d = x.Device;
        var y = Tensor.Empty(d, x.Shape);
        d.Launch(ElementwiseKernels.Tanh, d.GridStride(y.Length), x.View, y.View);
        if (d.Tape.Needs(x))
        {
            d.Tape.Record(y, () =>
            {
                if (y.Grad is not { } g) return;
                var (dx, acc) = x.GradientTarget();
                d.Launch(ElementwiseKernels.TanhBackward, d.GridStride(x.Length), g.View, y.View, dx, Flag(acc));
            });
        }
        return y;
    }

    internal static void CheckSameShape(string op, Tensor a, Tensor b)
    {
        if (a.Shape != b.Shape)
            throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} differ.");
        if (a.Device != b.Device)
            throw new ArgumentException($"{op}: tensors live on different devices.");
    }
}
