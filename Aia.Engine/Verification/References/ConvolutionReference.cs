using Aia.Kernels.Convolution;

namespace Aia.Engine.Verification.References;

/// <summary>
/// Plain double-precision 2-D convolution (NCHW, shapes as in <see cref="ConvGeometry"/>) and its gradients,
/// written from the definition y[b, co, oh, ow] = bias[co] + sum x[b, ci, oh s - p + kh, ow s - p + kw]
/// w[co, ci, kh, kw]. The full input gradient is computed by scattering each output gradient back over its
/// receptive field; single elements (for sampled checks at realistic sizes) by gathering. Parallel over elements
/// or images.
/// </summary>
public static class ConvolutionReference
{
    /// <summary>The output [Batch, OutChannels, OutHeight, OutWidth].</summary>
    public static double[] Forward(double[] x, double[] w, double[]? bias, ConvGeometry g) =>
        All(g.Batch * g.OutChannels * g.OutPlane, i => OutputAt(x, w, bias, g, i));

    /// <summary>Output element <paramref name="index"/> (flat NCHW index).</summary>
    public static double OutputAt(double[] x, double[] w, double[]? bias, ConvGeometry g, int index)
    {
        int ow = index % g.OutWidth, oh = index / g.OutWidth % g.OutHeight;
        int co = index / g.OutPlane % g.OutChannels, b = index / (g.OutPlane * g.OutChannels);
        var (kh0, kh1, kw0, kw1) = Taps(g, oh, ow);
        double s = bias?[co] ?? 0.0;
        for (int ci = 0; ci < g.InChannels; ci++)
        {
            for (int kh = kh0; kh < kh1; kh++)
            {
                for (int kw = kw0; kw < kw1; kw++)
                    s += x[Input(g, b, ci, oh, ow, kh, kw)] * w[Weight(g, co, ci, kh, kw)];
            }
        }
        return s;
    }

    /// <summary>The input gradient for output gradient <paramref name="dy"/> (scatter over receptive fields).</summary>
    public static double[] BackwardData(double[] dy, double[] w, ConvGeometry g)
    {
        var dx = new double[g.Batch * g.InChannels * g.InPlane];
        Parallel.For(0, g.Batch, b =>
        {
            for (int co = 0; co < g.OutChannels; co++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        double d = dy[((b * g.OutChannels + co) * g.OutHeight + oh) * g.OutWidth + ow];
                        var (kh0, kh1, kw0, kw1) = Taps(g, oh, ow);
                        for (int ci = 0; ci < g.InChannels; ci++)
                        {
                            for (int kh = kh0; kh < kh1; kh++)
                            {
                                for (int kw = kw0; kw < kw1; kw++)
                                    dx[Input(g, b, ci, oh, ow, kh, kw)] += d * w[Weight(g, co, ci, kh, kw)];
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }

    /// <summary>
    /// Input gradient element <paramref name="index"/> (flat NCHW index), gathered: the sum over the output
    /// positions whose receptive field covers it (those on the stride grid inside the output).
    /// </summary>
    public static double InputGradientAt(double[] dy, double[] w, ConvGeometry g, int index)
    {
        int iw = index % g.Width, ih = index / g.Width % g.Height;
        int ci = index / g.InPlane % g.InChannels, b = index / (g.InPlane * g.InChannels);
        double s = 0;
        for (int co = 0; co < g.OutChannels; co++)
        {
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int th = ih + g.Padding - kh;
                if (th < 0 || th % g.Stride != 0 || th / g.Stride >= g.OutHeight) continue;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    int tw = iw + g.Padding - kw;
                    if (tw < 0 || tw % g.Stride != 0 || tw / g.Stride >= g.OutWidth) continue;
                    s += dy[((b * g.OutChannels + co) * g.OutHeight + th / g.Stride) * g.OutWidth + tw / g.Stride] * w[Weight(g, co, ci, kh, kw)];
                }
            }
        }
        return s;
    }

    /// <summary>The weight gradient [OutChannels, InChannels, KernelHeight, KernelWidth].</summary>
    public static double[] BackwardWeight(double[] dy, double[] x, ConvGeometry g) =>
        All(g.OutChannels * g.Patch, i => WeightGradientAt(dy, x, g, i));

    /// <summary>Weight gradient element <paramref name="index"/> (flat [Cout, Cin, KH, KW] index).</summary>
    public static double WeightGradientAt(double[] dy, double[] x, ConvGeometry g, int index)
    {
        int kw = index % g.KernelWidth, kh = index / g.KernelWidth % g.KernelHeight;
        int ci = index / g.Taps % g.InChannels, co = index / g.Patch;
        double s = 0;
        for (int b = 0; b < g.Batch; b++)
        {
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                int ih = oh * g.Stride - g.Padding + kh;
                if (ih < 0 || ih >= g.Height) continue;
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int iw = ow * g.Stride - g.Padding + kw;
                    if (iw >= 0 && iw < g.Width)
                        s += dy[((b * g.OutChannels + co) * g.OutHeight + oh) * g.OutWidth + ow] * x[((b * g.InChannels + ci) * g.Height + ih) * g.Width + iw];
                }
            }
        }
        return s;
    }

    /// <summary>The bias gradient [OutChannels]: dy summed over images and pixels.</summary>
    public static double[] BiasGradient(double[] dy, ConvGeometry g)
    {
        var db = new double[g.OutChannels];
        for (int b = 0; b < g.Batch; b++)
        {
            for (int co = 0; co < g.OutChannels; co++)
            {
                for (int p = 0; p < g.OutPlane; p++)
                    db[co] += dy[(b * g.OutChannels + co) * g.OutPlane + p];
            }
        }
        return db;
    }

    private static double[] All(int count, Func<int, double> element)
    {
        var result = new double[count];
        Parallel.For(0, count, i => result[i] = element(i));
        return result;
    }

    private static int Weight(ConvGeometry g, int co, int ci, int kh, int kw) =>
        ((co * g.InChannels + ci) * g.KernelHeight + kh) * g.KernelWidth + kw;

    private static int Input(ConvGeometry g, int b, int ci, int oh, int ow, int kh, int kw) =>
        ((b * g.InChannels + ci) * g.Height + oh * g.Stride - g.Padding + kh) * g.Width + ow * g.Stride - g.Padding + kw;

    /// <summary>The kernel rows [kh0, kh1) and columns [kw0, kw1) of output (oh, ow) that fall inside the input.</summary>
    private static (int Kh0, int Kh1, int Kw0, int Kw1) Taps(ConvGeometry g, int oh, int ow)
    {
        int top = oh * g.Stride - g.Padding, left = ow * g.Stride - g.Padding;
        return (Math.Max(0, -top), Math.Min(g.KernelHeight, g.Height - top), Math.Max(0, -left), Math.Min(g.KernelWidth, g.Width - left));
    }
}
