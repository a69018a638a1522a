namespace Aia.Engine.Data;

/// <summary>Interpolation used to bring frames to the training size.</summary>
public enum ResizeMode
{
    /// <summary>PyTorch's <c>interpolate(mode="nearest")</c>: source index floor(i * in / out).</summary>
    Nearest,

    /// <summary>PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c>.</summary>
    Bilinear,
}

/// <summary>Resizes a stack of planes [P, H, W] (frames [T, 2, H, W] are P = 2T planes).</summary>
public static class Resize
{
    /// <summary>Resized copy of <paramref name="source"/> [planes, height, width] at [planes, outHeight, outWidth].</summary>
    public static float[] Planes(ReadOnlySpan<float> source, int planes, int height, int width, int outHeight, int outWidth, ResizeMode mode)
    {
        var output = new float[(long)planes * outHeight * outWidth];
        Planes(source, planes, height, width, output, outHeight, outWidth, mode);
        return output;
    }

    /// <summary>Writes <paramref name="source"/> [planes, height, width] resized into <paramref name="output"/> [planes, outHeight, outWidth].</summary>
    public static void Planes(ReadOnlySpan<float> source, int planes, int height, int width, Span<float> output, int outHeight, int outWidth, ResizeMode mode)
    {
        if (planes <= 0 || height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0)
            throw new ArgumentException($"Resize [{planes}, {height}, {width}] -> [{planes}, {outHeight}, {outWidth}]: sizes must be positive.");
        if (source.Length != (long)planes * height * width || output.Length != (long)planes * outHeight * outWidth)
            throw new ArgumentException($"Resize [{planes}, {height}, {width}] -> [{planes}, {outHeight}, {outWidth}]: buffers hold {source.Length} and {output.Length} floats.");
        if (height == outHeight && width == outWidth)
        {
            source.CopyTo(output);
            return;
        }
        var (y0, y1, wy) = Taps(height, outHeight, mode);
        var (x0, x1, wx) = Taps(width, outWidth, mode);
        for (int c = 0; c < planes; c++)
        {
            var src = source.Slice(c * height * width, height * width);
            var dst = output.Slice(c * outHeight * outWidth, outHeight * outWidth);
            for (int i = 0; i < outHeight; i++)
            {
                var top = src.Slice(y0[i] * width, width);
                var bottom = src.Slice(y1[i] * width, width);
                float ly = wy[i];
                for (int j = 0; j < outWidth; j++)
                {
                    float lx = wx[j];
                    float a = top[x0[j]] + lx * (top[x1[j]] - top[x0[j]]);
                    float b = bottom[x0[j]] + lx * (bottom[x1[j]] - bottom[x0[j]]);
                    dst[i * outWidth + j] = a + ly * (b - a);
                }
            }
        }
    }

    /// <summary>Per output index: the two source indices and the weight of the second.</summary>
    private static (int[] Lo, int[] Hi, float[] Weight) Taps(int size, int outSize, ResizeMode mode)
    {
        var (lo, hi, weight) = (new int[outSize], new int[outSize], new float[outSize]);
        double scale = (double)size / outSize;
        for (int i = 0; i < outSize; i++)
        {
            if (mode == ResizeMode.Nearest)
            {
                lo[i] = hi[i] = Math.Min((int)Math.Floor(i * scale), size - 1);
                continue;
            }
            double s = Math.Max(0, (i + 0.5) * scale - 0.5);
            lo[i] = Math.Min((int)s, size - 1);
            hi[i] = Math.Min(lo[i] + 1, size - 1);
            weight[i] = (float)(s - lo[i]);
        }
        return (lo, hi, weight);
    }
}
