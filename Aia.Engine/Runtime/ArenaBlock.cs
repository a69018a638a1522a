using ILGPU;

namespace Aia.Engine.Runtime;

/// <summary>
/// One allocation of a <see cref="MemoryArena"/>: where it lies, how many holders still need it (a step tensor and
/// each of its views hold it once, see <see cref="Tensor"/>), and what the tape may do with it: a
/// <see cref="Transient"/> block (spikes, batch-norm outputs) is freed as soon as the forward has consumed it unless
/// a backward reads it directly (<see cref="Pinned"/>); a freed block with a <see cref="Rematerialize"/> function is
/// rebuilt into scratch when a backward asks for it (<see cref="Tensor.ReadForBackward()"/>).
/// </summary>
public sealed class ArenaBlock
{
    private readonly MemoryArena arena;

    internal ArenaBlock(MemoryArena arena, int chunk, long offset, long bytes, long generation, int sequence)
    {
        this.arena = arena;
        Chunk = chunk;
        Offset = offset;
        Bytes = bytes;
        Generation = generation;
        Sequence = sequence;
    }

    internal int Chunk { get; }

    internal long Offset { get; }

    internal int Sequence { get; }

    /// <summary>Size in bytes (aligned).</summary>
    public long Bytes { get; }

    /// <summary>The arena generation the block belongs to.</summary>
    public long Generation { get; }

    /// <summary>Whether the block has been freed (its memory may hold other data now).</summary>
    public bool IsFreed { get; internal set; }

    /// <summary>Number of tensors that still hold the block; it is freed when the last one lets go.</summary>
    internal int Holds { get; set; }

    /// <summary>Whether the data is only needed by the forward (freed once consumed, see <see cref="Tensor.ReleaseIfTransient"/>).</summary>
    public bool Transient { get; set; }

    /// <summary>Whether some backward reads the data directly, so a <see cref="Transient"/> block must stay.</summary>
    public bool Pinned { get; set; }

    /// <summary>
    /// Set on data that one op alone reads (a convolution output inside Conv-BN, read by its batch norm): once it has read
    /// it, that op may write over it, its output where no backward needs the data, or the data's gradient in its backward.
    /// </summary>
    public bool SingleReader { get; set; }

    /// <summary>
    /// Set when the block is a training-mode batch norm's output: its input (alive until the batch norm's backward) and
    /// statistics, from which a neuron backward reads the values directly (<see cref="Kernels.Neurons.InputAffine"/>).
    /// </summary>
    public (Tensor Source, Kernels.Neurons.BatchNormAffine Affine)? Normalized { get; set; }

    /// <summary>The block's spikes at one bit each (see <see cref="Kernels.Neurons.SpikeBitsKernels"/>) while they are kept, or null.</summary>
    public ArrayView<uint>? SpikeBits { get; set; }

    /// <summary>Writes the block's data into the given view again (same kernels, so bit for bit), or null.</summary>
    public Action<ArrayView<float>>? Rematerialize { get; set; }

    /// <summary>The block as <paramref name="count"/> elements of <typeparamref name="T"/>.</summary>
    public ArrayView<T> View<T>(long count) where T : unmanaged =>
        arena.Bytes(Chunk, Offset, Bytes).Cast<T>().SubView(0, count);

    /// <summary>Frees the block now.</summary>
    public void Free() => arena.Free(this);
}
