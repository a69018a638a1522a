using PureHDF;

namespace Aia.Engine.IO.Nir;

/// <summary>
/// Reads and writes NIR graphs as HDF5 files (PureHDF) in the layout of NIR's reference <c>nir.write</c> /
/// <c>nir.read</c>: the root holds the scalar string dataset <c>version</c> and the group <c>node</c>, the graph,
/// with the scalar string <c>type</c> = "NIRGraph", the N x 2 string dataset <c>edges</c>, the group <c>nodes</c>
/// (one group per node: a scalar string <c>type</c> and the node's fields) and, when there is any, the group
/// <c>metadata</c> of strings. Arrays are float32, shapes and other integers int64, as NIR writes them from numpy.
/// </summary>
public static class NirFile
{
    /// <summary>The NIR version written in <c>version</c> (the layout of NIR 1.0).</summary>
    public const string Version = "1.0.7";

    /// <summary>Writes <paramref name="graph"/> to <paramref name="path"/> (atomically: a reader never sees half a file).</summary>
    public static void Write(string path, NirGraph graph)
    {
        var nodes = new H5Group();
        foreach (var (name, node) in graph.Nodes)
            nodes[name] = NodeGroup(node);
        var edges = new string[graph.Edges.Count, 2];
        for (int i = 0; i < graph.Edges.Count; i++)
            (edges[i, 0], edges[i, 1]) = graph.Edges[i];
        var root = new H5Group { ["type"] = "NIRGraph", ["nodes"] = nodes, ["edges"] = edges };
        if (graph.Metadata.Count > 0)
        {
            var metadata = new H5Group();
            foreach (var (key, value) in graph.Metadata)
                metadata[key] = value;
            root["metadata"] = metadata;
        }
        var file = new H5File { ["version"] = Version, ["node"] = root };
        // PureHDF needs a readable, seekable stream; the atomic writer's is write-only.
        using var buffer = new MemoryStream();
        file.Write(buffer);
        AtomicFile.Write(path, s => buffer.WriteTo(s));
    }

    private static H5Group NodeGroup(NirNode node)
    {
        var g = new H5Group { ["type"] = node.Type };
        switch (node)
        {
            case NirInput i: g["shape"] = i.Shape; break;
            case NirOutput o: g["shape"] = o.Shape; break;
            case NirConv2d c:
                g["weight"] = Array(c.Weight);
                g["bias"] = Array(c.Bias);
                g["stride"] = c.Stride;
                g["padding"] = c.PaddingMode is { } mode ? mode : c.Padding!;
                g["dilation"] = c.Dilation;
                g["groups"] = c.Groups;
                if (c.InputShape is { } hw) g["input_shape"] = hw;
                break;
            case NirAvgPool2d a: Pool(g, a.KernelSize, a.Stride, a.Padding); break;
            case NirSumPool2d s: Pool(g, s.KernelSize, s.Stride, s.Padding); break;
            case NirFlatten f:
                g["start_dim"] = f.StartDim;
                g["end_dim"] = f.EndDim;
                if (f.InputType is { } input) g["input_type"] = input;
                break;
            case NirAffine a: g["weight"] = Array(a.Weight); g["bias"] = Array(a.Bias); break;
            case NirLinear l: g["weight"] = Array(l.Weight); break;
            case NirScale s: g["scale"] = Array(s.Scale); break;
            case NirLif l:
                g["tau"] = Array(l.Tau);
                g["r"] = Array(l.R);
                g["v_leak"] = Array(l.VLeak);
                g["v_reset"] = Array(l.VReset);
                g["v_threshold"] = Array(l.VThreshold);
                break;
            case NirIf i:
                g["r"] = Array(i.R);
                g["v_threshold"] = Array(i.VThreshold);
                g["v_reset"] = Array(i.VReset);
                break;
            default:
                throw new ArgumentException($"NirFile.Write: no layout for node type {node.Type}.");
        }
        return g;
    }

    private static void Pool(H5Group g, long[] kernel, long[] stride, long[] padding)
    {
        g["kernel_size"] = kernel;
        g["stride"] = stride;
        g["padding"] = padding;
    }

    private static object Array(NirArray a) =>
        a.Rank == 0 ? a.Data[0] : new H5Dataset(a.Data, fileDims: a.Shape.Select(d => (ulong)d).ToArray());

    /// <summary>The largest NIR file read (2 GB: the file is read into memory once).</summary>
    public const long MaxBytes = 2_000_000_000;

    /// <summary>
    /// Reads the NIR graph in <paramref name="path"/>; throws <see cref="NirFormatException"/> saying what is wrong
    /// when the file is not HDF5, not NIR, damaged, or uses a node type the engine does not run.
    /// </summary>
    public static NirGraph Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file", path);
        try
        {
            // Bounded and checked before PureHDF sees it: no folders, pipes or devices, no damaged object header or heap (PureHDF trusts both).
            byte[] bytes = BoundedFile.ReadAllBytes(path, MaxBytes, problem => new NirFormatException(problem));
            Hdf5Integrity.Check(bytes);
            NirFields.ReadBudget = 16 * bytes.LongLength + (4L << 20);
            using var file = H5File.Open(new MemoryStream(bytes, writable: false), leaveOpen: false);
            if (!file.LinkExists("node"))
                throw new NirFormatException("no group 'node' at the root: this HDF5 file is not a NIR graph");
            if (!file.LinkExists("version"))
                throw new NirFormatException("no dataset 'version' at the root: this HDF5 file is not a NIR graph");
            var graph = Group(file, "node", "");
            string type = NirFields.String(graph, "type", "node");
            if (type != "NIRGraph")
                throw new NirFormatException($"node/type is '{type}', not 'NIRGraph'");
            var nodes = new List<KeyValuePair<string, NirNode>>();
            foreach (var child in Group(graph, "nodes", "node/").Children())
            {
                if (child is not IH5Group g)
                    throw new NirFormatException($"node/nodes/{child.Name} is not a group");
                nodes.Add(KeyValuePair.Create(child.Name, NirFields.Node(g, child.Name)));
            }
            return new NirGraph(nodes, NirFields.Edges(graph), NirFields.Metadata(graph));
        }
        catch (OutOfMemoryException e)
        {
            throw new NirFormatException($"damaged: a size field asks for more memory than there is ({e.Message})");
        }
        catch (Exception e) when (e is not (NirFormatException or FileNotFoundException or UnauthorizedAccessException))
        {
            throw new NirFormatException($"not a readable HDF5 file ({e.GetType().Name}: {e.Message})");
        }
    }

    private static IH5Group Group(IH5Group parent, string name, string prefix) =>
        parent.LinkExists(name) && parent.Get(name) is IH5Group g
            ? g
            : throw new NirFormatException($"no group '{prefix}{name}'");
}
