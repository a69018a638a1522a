namespace Aia.Engine.IO.Nir;

/// <summary>
/// A NIR graph: named nodes, directed edges (pairs of node names) and string metadata. The file holds it as the
/// group <c>node</c> with the scalar string <c>type</c> "NIRGraph", the group <c>nodes</c> and the N x 2 string
/// dataset <c>edges</c> (see <see cref="NirFile"/>).
/// </summary>
/// <param name="Nodes">The nodes by name, in the order they were added.</param>
/// <param name="Edges">The edges (from, to).</param>
/// <param name="Metadata">String metadata of the graph (stored under <c>node/metadata</c>).</param>
public sealed record NirGraph(IReadOnlyList<KeyValuePair<string, NirNode>> Nodes, IReadOnlyList<(string From, string To)> Edges,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>A chain input -> nodes[0] -> ... -> output, named as given.</summary>
    public static NirGraph Sequential(IReadOnlyList<(string Name, NirNode Node)> chain, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var edges = new List<(string, string)>();
        for (int i = 0; i + 1 < chain.Count; i++)
            edges.Add((chain[i].Name, chain[i + 1].Name));
        return new NirGraph(chain.Select(c => KeyValuePair.Create(c.Name, c.Node)).ToList(), edges, metadata ?? new Dictionary<string, string>());
    }

    /// <summary>The node called <paramref name="name"/>.</summary>
    public NirNode this[string name] =>
        Nodes.FirstOrDefault(n => n.Key == name).Value ?? throw new KeyNotFoundException($"no node '{name}'");

    /// <summary>
    /// The nodes in order from the one <see cref="NirInput"/> to the one <see cref="NirOutput"/>, for graphs that are a
    /// single chain (feed-forward networks); throws <see cref="NirFormatException"/> naming what makes it not one.
    /// </summary>
    public IReadOnlyList<(string Name, NirNode Node)> Chain()
    {
        var names = new HashSet<string>();
        foreach (var (name, _) in Nodes)
        {
            if (!names.Add(name))
                throw new NirFormatException($"two nodes are called '{name}'");
        }
        foreach (var (from, to) in Edges)
        {
            foreach (var end in new[] { from, to })
            {
                if (!names.Contains(end))
                    throw new NirFormatException($"edge ({from}, {to}) names '{end}', which is not a node");
            }
        }
        var inputs = Nodes.Where(n => n.Value is NirInput).Select(n => n.Key).ToList();
        var outputs = Nodes.Where(n => n.Value is NirOutput).Select(n => n.Key).ToList();
        if (inputs.Count != 1 || outputs.Count != 1)
            throw new NirFormatException($"the graph has {inputs.Count} Input and {outputs.Count} Output nodes; only graphs with one of each are supported");
        var chain = new List<(string, NirNode)>();
        var seen = new HashSet<string>();
        string current = inputs[0];
        while (true)
        {
            if (!seen.Add(current))
                throw new NirFormatException($"the graph has a cycle through '{current}' (recurrent graphs are not supported)");
            chain.Add((current, this[current]));
            if (current == outputs[0])
                break;
            var next = Edges.Where(e => e.From == current).Select(e => e.To).ToList();
            if (next.Count != 1)
                throw new NirFormatException(next.Count == 0
                    ? $"node '{current}' has no outgoing edge, so the Output '{outputs[0]}' is not reached"
                    : $"node '{current}' has {next.Count} outgoing edges ({string.Join(", ", next)}); only chains are supported");
            current = next[0];
        }
        if (chain.Count != Nodes.Count)
            throw new NirFormatException($"nodes {string.Join(", ", Nodes.Select(n => n.Key).Where(n => !seen.Contains(n)))} are not on the path from Input to Output");
        foreach (var (name, _) in chain.Skip(1))
        {
            int incoming = Edges.Count(e => e.To == name);
            if (incoming != 1)
                throw new NirFormatException($"node '{name}' has {incoming} incoming edges; only chains are supported");
        }
        if (Edges.Count != chain.Count - 1)
            throw new NirFormatException($"the graph has {Edges.Count} edges where a chain of {chain.Count} nodes has {chain.Count - 1}");
        return chain;
    }
}
