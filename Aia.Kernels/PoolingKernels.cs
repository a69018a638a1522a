using Aia.Kernels.Gemm;
using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// 2-d average and max pooling over folded planes (<see cref="PoolGeometry"/>), grid-stride. Two kinds of
/// backward, both without atomics: when windows do not overlap (stride &gt;= kernel, VGGSNN's 2 x 2 pooling) each
/// output scatters into its own window; otherwise each input element gathers the gradients of the windows that
/// contain it. The average pooling kernels walk <see cref="BlockedGridStride"/> blocks, and with
/// <see cref="PoolGeometry.Quads"/> (the 2 x 2 pooling of the models, on the CPU accelerator) four outputs at a time.
/// </summary>
public static class PoolingKernels
{
    /// <summary>y[o] = mean of x over the window of output o.</summary>
    public static void AvgForward(ArrayView<float> x, ArrayView<float> y, PoolGeometry g)
    {
        float inverseArea = 1f / (g.KernelH * g.KernelW);
        if (g.Quads != 0)
        {
            AvgForwardQuads(x.Cast<Float4>(), y.Cast<Float4>(), g, inverseArea);
            return;
        }
        for (var i = new BlockedGridStride(g.OutputLength, g.Block); i.Valid; i.Next())
        {
            int o = i.Index;
            var (plane, origin) = g.Window(o);
            int row = plane * g.InH * g.InW + origin;
            float s = 0f;
            for (int kh = 0; kh < g.KernelH; kh++, row += g.InW)
            {
                for (int kw = 0; kw < g.KernelW; kw++)
                    s += x[row + kw];
            }
            y[o] = s * inverseArea;
        }
    }

    /// <summary>dx[i] (+)= sum over the windows containing i of dy / (kernel area).</summary>
    public static void AvgBackward(ArrayView<float> dy, ArrayView<float> dx, PoolGeometry g, int accumulate)
    {
        float inverseArea = 1f / (g.KernelH * g.KernelW);
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < g.InputLength; i += step)
        {
            int w = i % g.InW, rest = i / g.InW;
            int h = rest % g.InH, plane = rest / g.InH;
            int firstColumn = g.FirstColumn(w), lastColumn = g.LastColumn(w);
            float s = 0f;
            for (int oh = g.FirstRow(h); oh <= g.LastRow(h); oh++)
            {
                int row = (plane * g.OutH + oh) * g.OutW;
                for (int ow = firstColumn; ow <= lastColumn; ow++)
                    s += dy[row + ow];
            }
            s *= inverseArea;
            dx[i] = accumulate != 0 ? dx[i] + s : s;
        }
    }

    /// <summary>
    /// Non-overlapping windows (stride &gt;= kernel): every cell of the window of output o gets
    /// (+)= dy[o] / (kernel area). Cells outside every window are not written (the op zeroes them first).
    /// </summary>
    public static void AvgBackwardScatter(ArrayView<float> dy, ArrayView<float> dx, PoolGeometry g, int accumulate)
    {
        float inverseArea = 1f / (g.KernelH * g.KernelW);
        if (g.Quads != 0)
        {
            AvgBackwardScatterQuads(dy.Cast<Float4>(), dx.Cast<Float4>(), g, inverseArea, accumulate);
            return;
        }
        for (var i = new BlockedGridStride(g.OutputLength, g.Block); i.Valid; i.Next())
        {
            int o = i.Index;
            var (plane, origin) = g.Window(o);
            int row = plane * g.InH * g.InW + origin;
            float v = dy[o] * inverseArea;
            for (int kh = 0; kh < g.KernelH; kh++, row += g.InW)
            {
                for (int kw = 0; kw < g.KernelW; kw++)
                    dx[row + kw] = accumulate != 0 ? dx[row + kw] + v : v;
            }
        }
    }

    /// <summary>
    /// y[o] = max of x over the window of output o; argmax[o] = the position h * InW + w of the first maximum
    /// within its plane (a NaN wins, as in PyTorch), saved for the backward.
    /// </summary>
    public static void MaxForward(ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, PoolGeometry g)
    {
        int step = GridStride.Step;
        for (int o = GridStride.Start; o < g.OutputLength; o += step)
        {
            var (plane, position) = g.Window(o);
            int planeStart = plane * g.InH * g.InW;
            float best = x[planeStart + position];
            int bestPosition = position;
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                int rowPosition = position + kh * g.InW;
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    float v = x[planeStart + rowPosition + kw];
                    if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                    {
                        best = v;
                        bestPosition = rowPosition + kw;
                    }
                }
            }
            y[o] = best;
            argmax[o] = bestPosition;
        }
    }

    /// <summary>
    /// Non-overlapping windows (stride &gt;= kernel): the saved argmax cell of the window of output o gets (+)= dy[o],
    /// the window's other cells (+)= 0. Cells outside every window are not written (the op zeroes them first).
    /// </summary>
    public static void MaxBackwardScatter(ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, PoolGeometry g, int accumulate)
    {
        int step = GridStride.Step;
        for (int o = GridStride.Start; o < g.OutputLength; o += step)
        {
            var (plane, position) = g.Window(o);
            int planeStart = plane * g.InH * g.InW, best = argmax[o];
            float v = dy[o];
            for (int kh = 0; kh < g.KernelH; kh++, position += g.InW)
            {
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    int i = planeStart + position + kw;
                    float cell = position + kw == best ? v : 0f;
                    dx[i] = accumulate != 0 ? dx[i] + cell : cell;
                }
            }
        }
    }

    /// <summary>dx[i] (+)= sum of dy over the windows containing i whose saved argmax is i.</summary>
    public static void MaxBackward(ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, PoolGeometry g, int accumulate)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < g.InputLength; i += step)
        {
            int position = i % (g.InH * g.InW), plane = i / (g.InH * g.InW);
            int h = position / g.InW, w = position % g.InW;
            int firstColumn = g.FirstColumn(w), lastColumn = g.LastColumn(w);
            float s = 0f;
            for (int oh = g.FirstRow(h); oh <= g.LastRow(h); oh++)
            {
                int row = (plane * g.OutH + oh) * g.OutW;
                for (int ow = firstColumn; ow <= lastColumn; ow++)
                {
                    if (argmax[row + ow] == position)
                        s += dy[row + ow];
                }
            }
            dx[i] = accumulate != 0 ? dx[i] + s : s;
        }
    }

    /// <summary><see cref="AvgForward"/> four outputs at a time (<see cref="PoolGeometry.Quads"/>), summing in its order.</summary>
    private static void AvgForwardQuads(ArrayView<Float4> x, ArrayView<Float4> y, PoolGeometry g, float inverseArea)
    {
        int below = g.InW / 4;
        for (var i = new BlockedGridStride(g.OutputLength / 4, g.Block); i.Valid; i.Next())
        {
            int top = g.TopQuad(i.Index);
            Float4 a = x[top], b = x[top + 1], c = x[top + below], e = x[top + below + 1];
            y[i.Index] = new Float4((a.X + a.Y + c.X + c.Y) * inverseArea, (a.Z + a.W + c.Z + c.W) * inverseArea,
                (b.X + b.Y + e.X + e.Y) * inverseArea, (b.Z + b.W + e.Z + e.W) * inverseArea);
        }
    }

    /// <summary><see cref="AvgBackwardScatter"/> four outputs at a time (<see cref="PoolGeometry.Quads"/>).</summary>
    private static void AvgBackwardScatterQuads(ArrayView<Float4> dy, ArrayView<Float4> dx, PoolGeometry g, float inverseArea, int accumulate)
    {
        int below = g.InW / 4;
        for (var i = new BlockedGridStride(g.OutputLength / 4, g.Block); i.Valid; i.Next())
        {
            int top = g.TopQuad(i.Index);
            var d = dy[i.Index];
            float p = d.X * inverseArea, q = d.Y * inverseArea, r = d.Z * inverseArea, s = d.W * inverseArea;
            var left = new Float4(p, p, q, q);
            var right = new Float4(r, r, s, s);
            Scatter(dx, top, left, accumulate);
            Scatter(dx, top + 1, right, accumulate);
            Scatter(dx, top + below, left, accumulate);
            Scatter(dx, top + below + 1, right, accumulate);
        }
    }

    private static void Scatter(ArrayView<Float4> dx, int quad, Float4 v, int accumulate)
    {
        if (accumulate != 0)
        {
            var prior = dx[quad];
            v = new Float4(prior.X + v.X, prior.Y + v.Y, prior.Z + v.Z, prior.W + v.W);
        }
        dx[quad] = v;
    }
}
