namespace Aia.Kernels.Convolution;

/// <summary>
/// The sizes of a 2-D convolution over NCHW tensors: input [Batch, InChannels, Height, Width], weight
/// [OutChannels, InChannels, KernelHeight, KernelWidth], output [Batch, OutChannels, OutHeight, OutWidth], the
/// same stride and zero padding along both axes. Batch is every leading axis folded together (T x N).
/// </summary>
public readonly struct ConvGeometry
{
    /// <summary>Creates the geometry; the output size follows from the others (floor division, as in PyTorch).</summary>
    public ConvGeometry(int batch, int inChannels, int height, int width, int outChannels, int kernelHeight, int kernelWidth, int stride, int padding)
    {
        Batch = batch;
        InChannels = inChannels;
        Height = height;
        Width = width;
        OutChannels = outChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Stride = stride;
        Padding = padding;
        OutHeight = stride > 0 ? (height + 2 * padding - kernelHeight) / stride + 1 : 0;
        OutWidth = stride > 0 ? (width + 2 * padding - kernelWidth) / stride + 1 : 0;
        InPlaneDivisor = new FastDivisor(InPlane);
        WidthDivisor = new FastDivisor(width);
        OutPlaneDivisor = new FastDivisor(OutPlane);
        OutWidthDivisor = new FastDivisor(OutWidth);
        TapsDivisor = new FastDivisor(Taps);
        KernelWidthDivisor = new FastDivisor(kernelWidth);
        StrideDivisor = new FastDivisor(stride);
    }

    /// <summary>Images (all leading axes folded).</summary>
    public int Batch { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Input height.</summary>
    public int Height { get; }

    /// <summary>Input width.</summary>
    public int Width { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel width.</summary>
    public int KernelWidth { get; }

    /// <summary>Stride along both axes.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side of both axes.</summary>
    public int Padding { get; }

    /// <summary>Output height.</summary>
    public int OutHeight { get; }

    /// <summary>Output width.</summary>
    public int OutWidth { get; }

    /// <summary>Division by <see cref="InPlane"/> in the kernels (as by the others below: see <see cref="FastDivisor"/>).</summary>
    public FastDivisor InPlaneDivisor { get; }

    /// <summary>Division by <see cref="Width"/>.</summary>
    public FastDivisor WidthDivisor { get; }

    /// <summary>Division by <see cref="OutPlane"/>.</summary>
    public FastDivisor OutPlaneDivisor { get; }

    /// <summary>Division by <see cref="OutWidth"/>.</summary>
    public FastDivisor OutWidthDivisor { get; }

    /// <summary>Division by <see cref="Taps"/>.</summary>
    public FastDivisor TapsDivisor { get; }

    /// <summary>Division by <see cref="KernelWidth"/>.</summary>
    public FastDivisor KernelWidthDivisor { get; }

    /// <summary>Division by <see cref="Stride"/>.</summary>
    public FastDivisor StrideDivisor { get; }

    /// <summary>Pixels of one input plane.</summary>
    public int InPlane => Height * Width;

    /// <summary>Pixels of one output plane.</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>Kernel taps per channel pair (KernelHeight x KernelWidth).</summary>
    public int Taps => KernelHeight * KernelWidth;

    /// <summary>Length of one receptive field, InChannels x Taps: the reduction of the forward product.</summary>
    public int Patch => InChannels * Taps;

    /// <summary>Multiply-adds of the forward pass (each backward product does as many).</summary>
    public long MultiplyAdds => (long)Batch * OutPlane * OutChannels * Patch;

    /// <inheritdoc/>
    public override string ToString() =>
        $"[{Batch}, {InChannels}, {Height}, {Width}] * [{OutChannels}, {InChannels}, {KernelHeight}, {KernelWidth}] " +
        $"stride {Stride} pad {Padding} -> [{Batch}, {OutChannels}, {OutHeight}, {OutWidth}]";
}
