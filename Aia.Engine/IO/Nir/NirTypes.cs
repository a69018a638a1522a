namespace Aia.Engine.IO.Nir;

/// <summary>
/// NIR's type check (<c>NIRGraph.infer_types</c> and <c>check_types</c> of the reference implementation): each
/// node's input and output shape derived from its fields and its predecessor's output, and every edge checked.
/// Conv2d: [Cout, floor((n + 2p - d (k - 1) - 1) / s + 1)] per spatial axis with k = weight.shape[2], input
/// [Cin, *input_shape]; pooling the same with d = 1 and the channel count kept; Flatten as
/// <c>calc_flatten_output</c>; Affine and Linear [In] -> [Out] from the weight; neurons and Scale keep the shape of
/// their parameters.
/// </summary>
public static class NirTypes
{
    /// <summary>The input and output shape of every node of <paramref name="chain"/>; throws <see cref="NirFormatException"/> on a mismatch.</summary>
    public static IReadOnlyList<(string Name, NirNode Node, long[] In, long[] Out)> Check(IReadOnlyList<(string Name, NirNode Node)> chain)
    {
        var result = new List<(string, NirNode, long[], long[])>();
        long[]? previous = null;
        string previousName = "";
        foreach (var (name, node) in chain)
        {
            var (input, output) = Derive(name, node, previous);
            if (previous is not null && !input.SequenceEqual(previous))
                throw new NirFormatException($"type mismatch: {previousName}.output {Show(previous)} -> {name}.input {Show(input)}");
            result.Add((name, node, input, output));
            previous = output;
            previousName = name;
        }
        return result;
    }

    /// <summary>Shape as NIR prints it, e.g. [2 16 16].</summary>
    public static string Show(long[] shape) => "[" + string.Join(" ", shape) + "]";

    /// <summary>The output length of one convolution or pooling axis (PyTorch's formula, as NIR's <c>calculate_conv_output</c>).</summary>
    public static long ConvolvedLength(long length, long padding, long dilation, long kernel, long stride) =>
        (long)Math.Floor((length + 2.0 * padding - dilation * (kernel - 1) - 1) / stride + 1);

    private static (long[] In, long[] Out) Derive(string name, NirNode node, long[]? incoming)
    {
        switch (node)
        {
            case NirInput i:
                return (i.Shape, i.Shape);
            case NirOutput o:
                return (o.Shape, o.Shape);
            case NirConv2d c:
            {
                if (c.Weight.Rank != 4)
                    throw new NirFormatException($"node '{name}' (Conv2d): weight has shape {Show(c.Weight.Shape)}, not [Cout Cin Kh Kw]");
                long[] input = c.InputShape is { } hw
                    ? [c.Weight.Shape[1], .. hw]
                    : incoming is { Length: 3 } ? [c.Weight.Shape[1], incoming[1], incoming[2]] : throw Spatial(name, "Conv2d", incoming);
                if (input.Length != 3)
                    throw new NirFormatException($"node '{name}' (Conv2d): input_shape {Show(c.InputShape!)} is not [H W]");
                long k = c.Weight.Shape[2];
                var output = new long[3];
                output[0] = c.Weight.Shape[0];
                for (int axis = 0; axis < 2; axis++)
                {
                    output[axis + 1] = c.PaddingMode == "same"
                        ? input[axis + 1]
                        : ConvolvedLength(input[axis + 1], c.PaddingMode == "valid" ? 0 : c.Padding![axis], c.Dilation[axis], k, c.Stride[axis]);
                }
                return (input, Positive(name, "Conv2d", output));
            }
            case NirAvgPool2d or NirSumPool2d:
            {
                var (kernel, stride, padding) = node is NirAvgPool2d a ? (a.KernelSize, a.Stride, a.Padding) : Pool((NirSumPool2d)node);
                if (incoming is not { Length: 3 })
                    throw Spatial(name, node.Type, incoming);
                var output = new long[] { incoming[0], 0, 0 };
                for (int axis = 0; axis < 2; axis++)
                    output[axis + 1] = ConvolvedLength(incoming[axis + 1], padding[axis], 1, kernel[axis], stride[axis]);
                return (incoming, Positive(name, node.Type, output));
            }
            case NirFlatten f:
            {
                long[] input = f.InputType ?? incoming ?? throw new NirFormatException($"node '{name}' (Flatten): no input_type and no predecessor");
                long start = f.StartDim, end = f.EndDim == -1 ? input.Length - 1 : f.EndDim;
                if (start < 0 || start >= input.Length || end < start || end >= input.Length)
                    throw new NirFormatException($"node '{name}' (Flatten): start_dim {f.StartDim}, end_dim {f.EndDim} do not fit its input {Show(input)}");
                long middle = 1;
                for (long d = start; d <= end; d++) middle *= input[d];
                return (input, [.. input[..(int)start], middle, .. input[(int)(end + 1)..]]);
            }
            case NirAffine a:
                if (a.Weight.Rank != 2)
                    throw new NirFormatException($"node '{name}' (Affine): weight has shape {Show(a.Weight.Shape)}; only [Out In] is supported");
                if (!a.Bias.Shape.SequenceEqual([a.Weight.Shape[0]]))
                    throw new NirFormatException($"node '{name}' (Affine): bias has shape {Show(a.Bias.Shape)}, weight {Show(a.Weight.Shape)}");
                return ([a.Weight.Shape[1]], [a.Weight.Shape[0]]);
            case NirLinear l:
                if (l.Weight.Rank != 2)
                    throw new NirFormatException($"node '{name}' (Linear): weight has shape {Show(l.Weight.Shape)}; only [Out In] is supported");
                return ([l.Weight.Shape[1]], [l.Weight.Shape[0]]);
            case NirScale s:
                return (s.Scale.Shape, s.Scale.Shape);
            case NirLif lif:
                SameShapes(name, "LIF", ("tau", lif.Tau), ("r", lif.R), ("v_leak", lif.VLeak), ("v_reset", lif.VReset), ("v_threshold", lif.VThreshold));
                return (lif.R.Shape, lif.R.Shape);
            case NirIf i:
                SameShapes(name, "IF", ("r", i.R), ("v_threshold", i.VThreshold), ("v_reset", i.VReset));
                return (i.R.Shape, i.R.Shape);
            default:
                throw new NirFormatException($"node '{name}': type {node.Type} has no shape rule");
        }
    }

    private static (long[], long[], long[]) Pool(NirSumPool2d p) => (p.KernelSize, p.Stride, p.Padding);

    private static NirFormatException Spatial(string name, string type, long[]? incoming) =>
        new($"node '{name}' ({type}): its input {(incoming is null ? "is not known" : Show(incoming))} is not [C H W]");

    private static long[] Positive(string name, string type, long[] shape) =>
        shape.All(d => d > 0) ? shape : throw new NirFormatException($"node '{name}' ({type}): the output shape {Show(shape)} is empty");

    private static void SameShapes(string name, string type, params (string Field, NirArray Array)[] fields)
    {
        foreach (var (field, array) in fields.Skip(1))
        {
            if (!array.Shape.SequenceEqual(fields[0].Array.Shape))
                throw new NirFormatException($"node '{name}' ({type}): {field} has shape {Show(array.Shape)} but {fields[0].Field} {Show(fields[0].Array.Shape)}");
        }
    }
}
