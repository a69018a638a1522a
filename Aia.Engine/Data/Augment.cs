using System.Buffers;
using Aia.Engine.Runtime;

namespace Aia.Engine.Data;

/// <summary>Applies <see cref="AugmentOptions"/> to one sample of planes [P, H, W].</summary>
public static class Augment
{
    /// <summary>
    /// Transforms <paramref name="sample"/> in place: flip, then roll, then rotation and shear about the centre,
    /// all drawn from <paramref name="rng"/> (always five draws, so the stream stays aligned).
    /// </summary>
    public static void Apply(Span<float> sample, int planes, int height, int width, AugmentOptions options, Rng rng)
    {
        int plane = height * width;
        if (sample.Length != planes * plane)
            throw new ArgumentException($"Augment: sample of {sample.Length} floats is not [{planes}, {height}, {width}].");
        bool flip = rng.NextDouble() < 0.5 && options.Flip;
        int dx = Draw(rng, options.MaxShift), dy = Draw(rng, options.MaxShift);
        double angle = (rng.NextDouble() * 2 - 1) * options.MaxRotationDegrees * Math.PI / 180;
        double shear = Math.Tan((rng.NextDouble() * 2 - 1) * options.MaxShearDegrees * Math.PI / 180);
        if (!flip && dx == 0 && dy == 0 && angle == 0 && shear == 0) return;

        int[] map = ArrayPool<int>.Shared.Rent(plane);
        float[] copy = ArrayPool<float>.Shared.Rent(plane);
        try
        {
            SourceMap(map.AsSpan(0, plane), height, width, flip, dx, dy, angle, shear);
            for (int c = 0; c < planes; c++)
            {
                var data = sample.Slice(c * plane, plane);
                data.CopyTo(copy);
                for (int i = 0; i < plane; i++) data[i] = map[i] < 0 ? 0f : copy[map[i]];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(map);
            ArrayPool<float>.Shared.Return(copy);
        }
    }

    private static int Draw(Rng rng, int max) => rng.NextInt(2 * max + 1) - max;

    /// <summary>For each output pixel the source pixel (or -1 for zero fill): the inverse of flip, roll, rotate/shear.</summary>
    private static void SourceMap(Span<int> map, int height, int width, bool flip, int dx, int dy, double angle, double shear)
    {
        double cy = (height - 1) / 2.0, cx = (width - 1) / 2.0, cos = Math.Cos(angle), sin = Math.Sin(angle);
        for (int i = 0; i < height; i++)
        {
            for (int j = 0; j < width; j++)
            {
                // inverse rotation, then inverse shear, about the centre
                double u = j - cx, v = i - cy;
                double ru = cos * u + sin * v, rv = -sin * u + cos * v;
                int sx = (int)Math.Round(ru - shear * rv + cx), sy = (int)Math.Round(rv + cy);
                if ((uint)sx >= (uint)width || (uint)sy >= (uint)height)
                {
                    map[i * width + j] = -1;
                    continue;
                }
                sx = ((sx - dx) % width + width) % width;
                sy = ((sy - dy) % height + height) % height;
                if (flip) sx = width - 1 - sx;
                map[i * width + j] = sy * width + sx;
            }
        }
    }
}
