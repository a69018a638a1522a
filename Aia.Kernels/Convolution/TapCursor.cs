using System.Runtime.CompilerServices;

namespace Aia.Kernels.Convolution;

/// <summary>
/// Walks the reduction index k = (channel, kh, kw) of an im2col-style operand without divisions: decoded at the start
/// with two <see cref="FastDivisor"/> multiplies, then the channel's plane offset and the tap row and column are
/// stepped by any number of reduction steps.
/// </summary>
public struct TapCursor
{
    private readonly int kernelHeight, kernelWidth, planeSize;

    /// <summary>Starts at reduction step <paramref name="k"/> over planes of <paramref name="planeSize"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TapCursor(int k, ConvGeometry g, int planeSize)
    {
        kernelHeight = g.KernelHeight;
        kernelWidth = g.KernelWidth;
        this.planeSize = planeSize;
        int channel = g.TapsDivisor.Divide(k), tap = k - channel * g.Taps;
        Row = g.KernelWidthDivisor.Divide(tap);
        Column = tap - Row * kernelWidth;
        Plane = channel * planeSize;
    }

    /// <summary>Element offset of the current channel's plane.</summary>
    public int Plane { get; private set; }

    /// <summary>Tap row kh.</summary>
    public int Row { get; private set; }

    /// <summary>Tap column kw.</summary>
    public int Column { get; private set; }

    /// <summary>Moves <paramref name="steps"/> reduction steps on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int steps)
    {
        int kw = Column + steps, kh = Row, plane = Plane;
        while (kw >= kernelWidth)
        {
            kw -= kernelWidth;
            kh++;
        }
        while (kh >= kernelHeight)
        {
            kh -= kernelHeight;
            plane += planeSize;
        }
        Column = kw;
        Row = kh;
        Plane = plane;
    }
}
