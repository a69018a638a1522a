namespace Aia.Engine.Runtime;

/// <summary>
/// The offsets of one step's arena blocks, planned from the step's sequence of allocations and frees once it is known
/// (the next step of the same shapes repeats it): blocks are placed largest first, each at the lowest offset where it
/// overlaps no already placed block that is live at the same time ("greedy by size", as in TensorFlow Lite's arena
/// planner), and also longest-lived first, largest size times lifetime first and in allocation order, each into the
/// lowest or the tightest gap; the smallest of these layouts is kept. The arena then needs about the step's largest working set instead of what first fit leaves fragmented.
/// </summary>
internal sealed class ArenaLayout
{
    private readonly long[] sizes;
    private readonly long[] offsets;

    private ArenaLayout(long[] sizes, long[] offsets, long bytes)
    {
        this.sizes = sizes;
        this.offsets = offsets;
        Bytes = bytes;
    }

    /// <summary>Bytes the layout spans.</summary>
    public long Bytes { get; }

    /// <summary>The planned offset of the <paramref name="index"/>-th block if the step so far matches the plan.</summary>
    public long? Offset(int index, long size) => index < sizes.Length && sizes[index] == size ? offsets[index] : null;

    /// <summary>Whether both layouts were planned from the same sequence of block sizes.</summary>
    public bool SameSequence(ArenaLayout other) => sizes.AsSpan().SequenceEqual(other.sizes);

    /// <summary>Plans <paramref name="log"/>: block sizes in allocation order, and -1 - i when block i is freed.</summary>
    public static ArenaLayout Plan(IReadOnlyList<long> log)
    {
        var sizes = new List<long>();
        var first = new List<int>();
        var last = new List<int>();
        for (int e = 0; e < log.Count; e++)
        {
            if (log[e] >= 0)
            {
                sizes.Add(log[e]);
                first.Add(e);
                last.Add(log.Count);
            }
            else
            {
                last[(int)(-1 - log[e])] = e;
            }
        }
        int n = sizes.Count;
        ArenaLayout? best = null;
        foreach (var order in new[]
                 {
                     Enumerable.Range(0, n).OrderByDescending(i => sizes[i]).ThenBy(i => first[i]).ToArray(),
                     Enumerable.Range(0, n).OrderByDescending(i => last[i] - first[i]).ThenByDescending(i => sizes[i]).ThenBy(i => first[i]).ToArray(),
                     Enumerable.Range(0, n).OrderByDescending(i => (double)sizes[i] * (last[i] - first[i])).ThenBy(i => first[i]).ToArray(),
                     Enumerable.Range(0, n).ToArray(),
                 })
        {
            foreach (bool tightest in new[] { false, true })
            {
                var layout = Place(sizes, first, last, order, tightest);
                if (best is null || layout.Bytes < best.Bytes)
                    best = layout;
            }
        }
        return best!;
    }

    /// <summary>Places the blocks in <paramref name="order"/>, each at the lowest offset free over its lifetime.</summary>
    private static ArenaLayout Place(List<long> sizes, List<int> first, List<int> last, int[] order, bool tightestGap)
    {
        int n = sizes.Count;
        var offsets = new long[n];
        var placed = new List<int>();
        var overlapping = new List<(long Start, long End)>();
        long bytes = 0;
        foreach (int i in order)
        {
            overlapping.Clear();
            foreach (int j in placed)
            {
                if (first[j] < last[i] && first[i] < last[j])
                    overlapping.Add((offsets[j], offsets[j] + sizes[j]));
            }
            overlapping.Sort();
            // Gaps between the overlapping blocks (the last one unbounded): the lowest that fits, or the tightest.
            long offset = -1, gapStart = 0, tightest = long.MaxValue;
            foreach (var (start, end) in overlapping)
            {
                long gap = start - gapStart;
                if (gap >= sizes[i] && (!tightestGap ? offset < 0 : gap < tightest))
                {
                    offset = gapStart;
                    tightest = gap;
                }
                gapStart = Math.Max(gapStart, end);
            }
            if (offset < 0)
                offset = gapStart;
            offsets[i] = offset;
            bytes = Math.Max(bytes, offset + sizes[i]);
            placed.Add(i);
        }
        return new ArenaLayout([.. sizes], offsets, bytes);
    }
}
