namespace Aia.Kernels;

/// <summary>
/// The shape of a 2-d pooling over <see cref="Planes"/> independent planes (every leading dimension folded:
/// T * N * C), without padding; the output size is floor((in - kernel) / stride) + 1 as in PyTorch.
/// </summary>
/// <param name="Planes">Number of H x W planes.</param>
/// <param name="InH">Input height.</param>
/// <param name="InW">Input width.</param>
/// <param name="OutH">Output height.</param>
/// <param name="OutW">Output width.</param>
/// <param name="KernelH">Window height.</param>
/// <param name="KernelW">Window width.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="Block">Outputs (or output quads) per block of the <see cref="BlockedGridStride"/> loops: 1 on GPUs.</param>
/// <param name="Quads">1: 2 x 2 windows with stride 2 and InW a multiple of 8, run four outputs at a time with quad
/// reads and writes (CPU accelerator, every array starting on a quad); 0: one output at a time.</param>
public readonly record struct PoolGeometry(
    int Planes, int InH, int InW, int OutH, int OutW, int KernelH, int KernelW, int StrideH, int StrideW, int Block = 1, int Quads = 0)
{
    /// <summary>Number of output elements.</summary>
    public int OutputLength => Planes * OutH * OutW;

    /// <summary>Number of input elements.</summary>
    public int InputLength => Planes * InH * InW;

    /// <summary>
    /// The plane of output <paramref name="o"/> and the position oh * StrideH * InW + ow * StrideW, within that
    /// plane, of the top-left cell of its window.
    /// </summary>
    public (int Plane, int Origin) Window(int o)
    {
        int ow = o % OutW, rest = o / OutW, oh = rest % OutH;
        return (rest / OutH, oh * StrideH * InW + ow * StrideW);
    }

    /// <summary>Whether no two windows share a cell (stride &gt;= kernel in both directions).</summary>
    public bool Disjoint => StrideH >= KernelH && StrideW >= KernelW;

    /// <summary>Whether every input cell lies in some window.</summary>
    public bool Covering => (OutH - 1) * StrideH + KernelH == InH && (OutW - 1) * StrideW + KernelW == InW
        && StrideH <= KernelH && StrideW <= KernelW;

    /// <summary>The first output row whose window contains input row <paramref name="h"/>.</summary>
    public int FirstRow(int h) => h < KernelH ? 0 : (h - KernelH + StrideH) / StrideH;

    /// <summary>The last output row whose window contains input row <paramref name="h"/>.</summary>
    public int LastRow(int h) => Math.Min(OutH - 1, h / StrideH);

    /// <summary>The first output column whose window contains input column <paramref name="w"/>.</summary>
    public int FirstColumn(int w) => w < KernelW ? 0 : (w - KernelW + StrideW) / StrideW;

    /// <summary>The last output column whose window contains input column <paramref name="w"/>.</summary>
    public int LastColumn(int w) => Math.Min(OutW - 1, w / StrideW);

    /// <summary>Whether quads fit: 2 x 2 windows, stride 2, input rows of whole output quads (InW a multiple of 8).</summary>
    public bool QuadShaped => KernelH == 2 && KernelW == 2 && StrideH == 2 && StrideW == 2 && InW % 8 == 0;

    /// <summary>
    /// The input quad holding the top-left cells of the windows of output quad <paramref name="unit"/> (outputs
    /// 4 unit .. 4 unit + 3 of a row); the windows cover it and the next quad, in rows 2 oh and 2 oh + 1.
    /// </summary>
    public int TopQuad(int unit)
    {
        int quadsPerRow = OutW / 4;
        int row = unit / quadsPerRow, plane = row / OutH;
        return ((plane * InH + 2 * (row - plane * OutH)) * InW >> 2) + 2 * (unit - row * quadsPerRow);
    }
}
