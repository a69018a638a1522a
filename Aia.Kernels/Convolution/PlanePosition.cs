using System.Runtime.CompilerServices;

namespace Aia.Kernels.Convolution;

/// <summary>
/// Position n of a [images, height, width] walk as (image, row, column), decoded once with two divisions and then
/// stepped to n + 1, n + 2, ... by carrying (the four columns of a gathered quad: two divisions instead of eight).
/// </summary>
public struct PlanePosition
{
    private readonly int height, width;

    /// <summary>Decodes position <paramref name="n"/> of planes <paramref name="height"/> x <paramref name="width"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PlanePosition(int n, int height, int width)
    {
        this.height = height;
        this.width = width;
        int plane = height * width;
        Image = n / plane;
        int p = n - Image * plane;
        Row = p / width;
        Column = p - Row * width;
    }

    /// <summary>The image (batch index).</summary>
    public int Image { get; private set; }

    /// <summary>The row in the plane.</summary>
    public int Row { get; private set; }

    /// <summary>The column in the plane.</summary>
    public int Column { get; private set; }

    /// <summary>Moves to the next position (row-major, then the next image).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next()
    {
        int column = Column + 1, row = Row, image = Image;
        if (column == width)
        {
            column = 0;
            row++;
            if (row == height)
            {
                row = 0;
                image++;
            }
        }
        Column = column;
        Row = row;
        Image = image;
    }
}
