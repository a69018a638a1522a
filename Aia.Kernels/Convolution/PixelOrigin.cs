using System.Runtime.CompilerServices;
using ILGPU;

namespace Aia.Kernels.Convolution;

/// <summary>
/// Where one column of an im2col-style operand starts in an image tensor: an element offset (image, channel) and
/// the row and column that tap (0, 0) lands on. Columns past the operand's end get <see cref="Outside"/>, whose
/// taps all fall outside the image and read as zero padding.
/// </summary>
public readonly struct PixelOrigin
{
    /// <summary>Creates an origin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PixelOrigin(int offset, int row, int column)
    {
        Offset = offset;
        Row = row;
        Column = column;
    }

    /// <summary>An origin whose every tap lies outside the image.</summary>
    public static PixelOrigin Outside => new(0, int.MinValue / 2, int.MinValue / 2);

    /// <summary>Element offset of the plane the column reads.</summary>
    public int Offset { get; }

    /// <summary>Image row of tap row 0 (may be negative: padding).</summary>
    public int Row { get; }

    /// <summary>Image column of tap column 0 (may be negative: padding).</summary>
    public int Column { get; }

    /// <summary>
    /// Whether four consecutive columns from <paramref name="first"/> to <paramref name="last"/> sit side by side
    /// in one row of one plane at stride 1, so every tap reads them as a run of four neighbouring elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Run(PixelOrigin first, PixelOrigin last, int stride) =>
        stride == 1 && last.Offset == first.Offset && last.Row == first.Row && last.Column == first.Column + 3;

    /// <summary>image[offset + row * width + column] inside a height x width plane, zero outside it (padding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Read(ArrayView<float> image, int offset, int row, int column, int height, int width) =>
        (uint)row < (uint)height && (uint)column < (uint)width ? image[offset + row * width + column] : 0f;
}
