using PureHDF;

namespace Aia.Engine.IO.Nir;

/// <summary>
/// Reads the fields of NIR nodes from their HDF5 groups, as the reference reader (<c>nir.read</c>) does, accepting
/// the integer and float widths numpy writes (converted to int64 and float32) and naming the node and field of
/// anything missing or malformed.
/// </summary>
internal static class NirFields
{
    /// <summary>The node stored in group <paramref name="g"/> called <paramref name="name"/>.</summary>
    public static NirNode Node(IH5Group g, string name)
    {
        string where = $"node '{name}'";
        string type = String(g, "type", where);
        where = $"node '{name}' ({type})";
        return type switch
        {
            "Input" => new NirInput(Ints(g, "shape", where)),
            "Output" => new NirOutput(Ints(g, "shape", where)),
            "Conv2d" => Conv(g, where),
            "AvgPool2d" => new NirAvgPool2d(Pair(g, "kernel_size", where), Pair(g, "stride", where), Pair(g, "padding", where)),
            "SumPool2d" => new NirSumPool2d(Pair(g, "kernel_size", where), Pair(g, "stride", where), Pair(g, "padding", where)),
            "Flatten" => new NirFlatten(Int(g, "start_dim", where, 1), Int(g, "end_dim", where, -1),
                g.LinkExists("input_type") ? Ints(g, "input_type", where) : null),
            "Affine" => new NirAffine(Floats(g, "weight", where), Floats(g, "bias", where)),
            "Linear" => new NirLinear(Floats(g, "weight", where)),
            "Scale" => new NirScale(Floats(g, "scale", where)),
            "LIF" => Lif(g, where),
            "IF" => If(g, where),
            "Conv1d" or "Delay" or "I" or "LI" or "CubaLI" or "CubaLIF" or "Threshold" or "NIRGraph" =>
                throw new NirFormatException($"{where}: this NIR node type is valid but not supported by the engine " +
                                             "(supported: Input, Output, Conv2d, AvgPool2d, SumPool2d, Flatten, Affine, Linear, Scale, LIF, IF)"),
            _ => throw new NirFormatException($"{where}: unknown NIR node type"),
        };
    }

    private static NirConv2d Conv(IH5Group g, string where)
    {
        long[]? padding = null;
        string? mode = null;
        if (Dataset(g, "padding", where).Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength)
        {
            mode = String(g, "padding", where);
            if (mode is not ("same" or "valid"))
                throw new NirFormatException($"{where}: padding '{mode}' is neither a number nor 'same' or 'valid'");
        }
        else
        {
            padding = Pair(g, "padding", where);
        }
        return new NirConv2d(Floats(g, "weight", where), Floats(g, "bias", where), Pair(g, "stride", where), padding, mode,
            Pair(g, "dilation", where), Int(g, "groups", where, 1), g.LinkExists("input_shape") ? Ints(g, "input_shape", where) : null);
    }

    private static NirLif Lif(IH5Group g, string where)
    {
        var threshold = Floats(g, "v_threshold", where);
        return new NirLif(Floats(g, "tau", where), Floats(g, "r", where), Floats(g, "v_leak", where),
            g.LinkExists("v_reset") ? Floats(g, "v_reset", where) : NirArray.Filled(threshold.Shape, 0f), threshold);
    }

    private static NirIf If(IH5Group g, string where)
    {
        var threshold = Floats(g, "v_threshold", where);
        return new NirIf(Floats(g, "r", where), threshold,
            g.LinkExists("v_reset") ? Floats(g, "v_reset", where) : NirArray.Filled(threshold.Shape, 0f));
    }

    /// <summary>The N x 2 string dataset <c>edges</c> of a graph group.</summary>
    public static List<(string, string)> Edges(IH5Group graph)
    {
        var d = Dataset(graph, "edges", "node");
        var dims = d.Space.Dimensions;
        if (!IsString(d) || dims.Length != 2 || dims[1] != 2)
            throw new NirFormatException($"node/edges must be an N x 2 array of strings; it is {Describe(d)}");
        var flat = d.Read<string[]>();
        var edges = new List<(string, string)>();
        for (int i = 0; i + 1 < flat.Length; i += 2)
            edges.Add((flat[i], flat[i + 1]));
        return edges;
    }

    /// <summary>The string datasets of a graph's <c>metadata</c> group (others are skipped).</summary>
    public static Dictionary<string, string> Metadata(IH5Group graph)
    {
        var result = new Dictionary<string, string>();
        if (!graph.LinkExists("metadata") || graph.Get("metadata") is not IH5Group m)
            return result;
        foreach (var child in m.Children())
        {
            if (child is IH5Dataset d && IsString(d) && d.Space.Type == H5DataspaceType.Scalar)
                result[child.Name] = Charge(d, $"node/metadata/{child.Name}").Read<string>();
        }
        return result;
    }

    /// <summary>A scalar string dataset (NIR's <c>type</c>); a one-element array is refused as the reference reader refuses it.</summary>
    public static string String(IH5Group g, string field, string where)
    {
        var d = Dataset(g, field, where);
        if (!IsString(d))
            throw new NirFormatException($"{where}: '{field}' must be a string; it is {Describe(d)}");
        if (d.Space.Type != H5DataspaceType.Scalar)
            throw new NirFormatException($"{where}: '{field}' must be a scalar string; it is {Describe(d)} (NIR's reader does not decode arrays)");
        return d.Read<string>();
    }

    private static IH5Dataset Dataset(IH5Group g, string field, string where) =>
        g.LinkExists(field) && g.Get(field) is IH5Dataset d
            ? Charge(d, $"{where}: '{field}'")
            : throw new NirFormatException($"{where}: missing field '{field}'");

    /// <summary>
    /// Bytes the datasets of the file being read may still decode into (set by <see cref="NirFile.Read"/>: 16 per
    /// byte of the file plus 4 MiB, far above what compression gives real NIR files: VGGSNN decodes to about twice
    /// its gzip-compressed file): a damaged size field cannot
    /// make the reader allocate gigabytes for a small file.
    /// </summary>
    [ThreadStatic]
    internal static long ReadBudget;

    /// <summary>Takes <paramref name="d"/>'s decoded size from <see cref="ReadBudget"/>, or refuses it before anything is read.</summary>
    private static IH5Dataset Charge(IH5Dataset d, string what)
    {
        ulong elements = 1;
        foreach (ulong n in d.Space.Type == H5DataspaceType.Scalar ? [] : d.Space.Dimensions)
            elements = n == 0 || elements <= ulong.MaxValue / n ? elements * n : ulong.MaxValue;
        ulong size = (ulong)Math.Max(1L, (long)d.Type.Size);
        ulong bytes = elements <= ulong.MaxValue / size ? elements * size : ulong.MaxValue;
        if (bytes > (ulong)Math.Max(0, ReadBudget))
            throw new NirFormatException($"{what} declares {Describe(d)}, {bytes:N0} bytes, more than a file of this size can hold");
        ReadBudget -= (long)bytes;
        return d;
    }

    private static bool IsString(IH5Dataset d) =>
        d.Type.Class is H5DataTypeClass.String
        || d.Type.Class is H5DataTypeClass.VariableLength && d.Type.VariableLength.BaseType is { Class: H5DataTypeClass.FixedPoint or H5DataTypeClass.String, Size: 1 };

    private static string Describe(IH5Dataset d) =>
        $"{d.Type.Class} of {d.Type.Size} bytes, shape [{string.Join(" ", d.Space.Dimensions)}]";

    private static long[] Shape(IH5Dataset d) =>
        d.Space.Type == H5DataspaceType.Scalar ? [] : d.Space.Dimensions.Select(x => (long)x).ToArray();

    /// <summary>A float array of any width, as float32.</summary>
    public static NirArray Floats(IH5Group g, string field, string where)
    {
        var d = Dataset(g, field, where);
        var shape = Shape(d);
        float[] data = (d.Type.Class, d.Type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => d.Read<float[]>(),
            (H5DataTypeClass.FloatingPoint, 8) => d.Read<double[]>().Select(v => (float)v).ToArray(),
            (H5DataTypeClass.FixedPoint, _) => IntegerValues(d, field, where).Select(v => (float)v).ToArray(),
            _ => throw new NirFormatException($"{where}: '{field}' must be a float array; it is {Describe(d)}"),
        };
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (data.Length != count)
            throw new NirFormatException($"{where}: '{field}' holds {data.Length} values for shape [{string.Join(" ", shape)}]");
        return new NirArray(data, shape);
    }

    /// <summary>An integer array (a scalar reads as one value).</summary>
    public static long[] Ints(IH5Group g, string field, string where) => IntegerValues(Dataset(g, field, where), field, where);

    private static long Int(IH5Group g, string field, string where, long fallback)
    {
        if (!g.LinkExists(field))
            return fallback;
        var v = Ints(g, field, where);
        return v.Length == 1 ? v[0] : throw new NirFormatException($"{where}: '{field}' must be one integer; it has {v.Length}");
    }

    /// <summary>Two integers (height, width), or one that stands for both (as NIR's constructors accept).</summary>
    private static long[] Pair(IH5Group g, string field, string where)
    {
        var v = Ints(g, field, where);
        return v.Length switch
        {
            1 => [v[0], v[0]],
            2 => v,
            _ => throw new NirFormatException($"{where}: '{field}' must hold 1 or 2 integers; it has {v.Length}"),
        };
    }

    private static long[] IntegerValues(IH5Dataset d, string field, string where)
    {
        if (d.Type.Class != H5DataTypeClass.FixedPoint)
            throw new NirFormatException($"{where}: '{field}' must be integers; it is {Describe(d)}");
        bool signed = d.Type.FixedPoint.IsSigned;
        return (d.Type.Size, signed) switch
        {
            (8, true) => d.Read<long[]>(),
            (8, false) => d.Read<ulong[]>().Select(v => (long)v).ToArray(),
            (4, true) => d.Read<int[]>().Select(v => (long)v).ToArray(),
            (4, false) => d.Read<uint[]>().Select(v => (long)v).ToArray(),
            (2, true) => d.Read<short[]>().Select(v => (long)v).ToArray(),
            (2, false) => d.Read<ushort[]>().Select(v => (long)v).ToArray(),
            (1, true) => d.Read<sbyte[]>().Select(v => (long)v).ToArray(),
            (1, false) => d.Read<byte[]>().Select(v => (long)v).ToArray(),
            _ => throw new NirFormatException($"{where}: '{field}' has integers of {d.Type.Size} bytes"),
        };
    }
}
