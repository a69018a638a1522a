using System.Runtime.CompilerServices;

namespace Aia.Kernels.Convolution;

/// <summary>
/// A walk over positions n = (image, row, column) of images of height x width, row-major, for the column operands of
/// the convolution gathers (output positions forward, input positions backward-data, weight taps backward-weight): the
/// receptive-field origin of position n is (image * imageSize, row * scale + shift, column * scale + shift), and
/// <see cref="PixelOrigin.Outside"/> from image <c>images</c> on. <see cref="Origins"/> decodes the first position of
/// a gathered quad with two <see cref="FastDivisor"/> multiplies and carries to the next three.
/// </summary>
public readonly struct PlaneWalk
{
    private readonly FastDivisor plane, width;
    private readonly int images, height, imageSize, scale, shift;

    /// <summary>Describes the walk; <paramref name="plane"/> divides by height x width, <paramref name="width"/> by the width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PlaneWalk(int images, int height, FastDivisor plane, FastDivisor width, int imageSize, int scale, int shift)
    {
        this.images = images;
        this.height = height;
        this.plane = plane;
        this.width = width;
        this.imageSize = imageSize;
        this.scale = scale;
        this.shift = shift;
    }

    /// <summary>The origins of positions <paramref name="n"/> .. n + 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Origins(int n, out PixelOrigin o0, out PixelOrigin o1, out PixelOrigin o2, out PixelOrigin o3)
    {
        int image = plane.Divide(n), p = n - image * plane.Divisor;
        int row = width.Divide(p), column = p - row * width.Divisor;
        o0 = Origin(image, row, column);
        Next(ref image, ref row, ref column);
        o1 = Origin(image, row, column);
        Next(ref image, ref row, ref column);
        o2 = Origin(image, row, column);
        Next(ref image, ref row, ref column);
        o3 = Origin(image, row, column);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PixelOrigin Origin(int image, int row, int column) => image >= images
        ? PixelOrigin.Outside
        : new PixelOrigin(image * imageSize, row * scale + shift, column * scale + shift);

    /// <summary>The next position: the next column, or the next row, or the next image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Next(ref int image, ref int row, ref int column)
    {
        if (++column == width.Divisor)
        {
            column = 0;
            if (++row == height)
            {
                row = 0;
                image++;
            }
        }
    }
}
