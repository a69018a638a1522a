namespace Aia.Engine.Verification.References;

/// <summary>Plain-loop 2-d pooling over planes [P, H, W] (square window, no padding), in double.</summary>
public static class PoolingReference
{
    /// <summary>Output size floor((size - kernel) / stride) + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride) => (size - kernel) / stride + 1;

    /// <summary>Average pooling.</summary>
    public static double[] Average(double[] x, int planes, int h, int w, int kernel, int stride)
    {
        var y = new double[planes * OutputSize(h, kernel, stride) * OutputSize(w, kernel, stride)];
        ForEachWindow(planes, h, w, kernel, stride, (o, cells) =>
        {
            foreach (int i in cells) y[o] += x[i] / (kernel * kernel);
        });
        return y;
    }

    /// <summary>Max pooling.</summary>
    public static double[] Max(double[] x, int planes, int h, int w, int kernel, int stride)
    {
        var y = new double[planes * OutputSize(h, kernel, stride) * OutputSize(w, kernel, stride)];
        ForEachWindow(planes, h, w, kernel, stride, (o, cells) => y[o] = cells.Max(i => x[i]));
        return y;
    }

    /// <summary>The gradient of sum(dy * Average(x)) with respect to x.</summary>
    public static double[] AverageBackward(double[] dy, int planes, int h, int w, int kernel, int stride)
    {
        var dx = new double[planes * h * w];
        ForEachWindow(planes, h, w, kernel, stride, (o, cells) =>
        {
            foreach (int i in cells) dx[i] += dy[o] / (kernel * kernel);
        });
        return dx;
    }

    /// <summary>The gradient of sum(dy * Max(x)) with respect to x (to the first maximum of each window).</summary>
    public static double[] MaxBackward(double[] x, double[] dy, int planes, int h, int w, int kernel, int stride)
    {
        var dx = new double[planes * h * w];
        ForEachWindow(planes, h, w, kernel, stride, (o, cells) =>
        {
            int best = cells[0];
            foreach (int i in cells)
            {
                if (x[i] > x[best]) best = i;
            }
            dx[best] += dy[o];
        });
        return dx;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with each output index and the input indices of its window (row-major);
    /// planes run in parallel, so a visitor may write anywhere inside the window's plane.
    /// </summary>
    private static void ForEachWindow(int planes, int h, int w, int kernel, int stride, Action<int, int[]> visit)
    {
        int oh = OutputSize(h, kernel, stride), ow = OutputSize(w, kernel, stride);
        Parallel.For(0, planes, () => new int[kernel * kernel], (p, _, cells) =>
        {
            for (int r = 0, o = p * oh * ow; r < oh; r++)
            {
                for (int c = 0; c < ow; c++, o++)
                {
                    for (int i = 0; i < kernel; i++)
                    {
                        for (int j = 0; j < kernel; j++)
                            cells[i * kernel + j] = (p * h + r * stride + i) * w + c * stride + j;
                    }
                    visit(o, cells);
                }
            }
            return cells;
        }, _ => { });
    }
}
