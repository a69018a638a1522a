namespace Aia.Engine.IO.Nir;

/// <summary>
/// One node of a NIR graph (Pedersen et al., Nature Communications 2024), with the fields that NIR's reference
/// implementation (<c>nir/ir/*.py</c>) stores for it under <c>node/nodes/NAME/</c>. Shapes exclude batch and time:
/// an event frame is [2, H, W]. <see cref="NirTypes"/> derives each node's input and output shape the way NIR's
/// type check does.
/// </summary>
public abstract record NirNode
{
    /// <summary>The NIR type name stored in the node's scalar string dataset <c>type</c>.</summary>
    public abstract string Type { get; }
}

/// <summary>The graph input; <c>shape</c> [2, H, W] for event frames.</summary>
public sealed record NirInput(long[] Shape) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "Input";
}

/// <summary>The graph output; <c>shape</c> [K] for K class scores.</summary>
public sealed record NirOutput(long[] Shape) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "Output";
}

/// <summary>
/// A 2-D convolution: <c>weight</c> [Cout, Cin, Kh, Kw], <c>bias</c> [Cout], <c>stride</c>, <c>padding</c> and
/// <c>dilation</c> (2 values each; padding may also be "same" or "valid"), <c>groups</c>, and <c>input_shape</c>
/// [H, W], which NIR needs to derive the output shape.
/// </summary>
public sealed record NirConv2d(NirArray Weight, NirArray Bias, long[] Stride, long[]? Padding, string? PaddingMode,
    long[] Dilation, long Groups, long[]? InputShape) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "Conv2d";
}

/// <summary>Average pooling: <c>kernel_size</c>, <c>stride</c>, <c>padding</c> (2 values each).</summary>
public sealed record NirAvgPool2d(long[] KernelSize, long[] Stride, long[] Padding) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "AvgPool2d";
}

/// <summary>Sum pooling (average pooling times the window size): <c>kernel_size</c>, <c>stride</c>, <c>padding</c>.</summary>
public sealed record NirSumPool2d(long[] KernelSize, long[] Stride, long[] Padding) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "SumPool2d";
}

/// <summary>Flattens dimensions <c>start_dim</c>..<c>end_dim</c> of its input, whose shape is <c>input_type</c>.</summary>
public sealed record NirFlatten(long StartDim, long EndDim, long[]? InputType) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "Flatten";
}

/// <summary>y = W x + b: <c>weight</c> [Out, In], <c>bias</c> [Out].</summary>
public sealed record NirAffine(NirArray Weight, NirArray Bias) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "Affine";
}

/// <summary>y = W x: <c>weight</c> [Out, In].</summary>
public sealed record NirLinear(NirArray Weight) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "Linear";
}

/// <summary>y = x * s elementwise: <c>scale</c> of the signal's shape.</summary>
public sealed record NirScale(NirArray Scale) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "Scale";
}

/// <summary>
/// Leaky integrate-and-fire, tau dv/dt = (v_leak - v) + r I, a spike when v &gt; v_threshold, then v = v_reset:
/// <c>tau</c>, <c>r</c>, <c>v_leak</c>, <c>v_reset</c>, <c>v_threshold</c>, one value per neuron (all of one shape).
/// </summary>
public sealed record NirLif(NirArray Tau, NirArray R, NirArray VLeak, NirArray VReset, NirArray VThreshold) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "LIF";
}

/// <summary>Integrate-and-fire, dv/dt = r I, a spike when v &gt; v_threshold, then v = v_reset: <c>r</c>, <c>v_threshold</c>, <c>v_reset</c>.</summary>
public sealed record NirIf(NirArray R, NirArray VThreshold, NirArray VReset) : NirNode
{
    /// <inheritdoc/>
    public override string Type => "IF";
}
