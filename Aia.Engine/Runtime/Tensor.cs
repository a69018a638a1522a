using Aia.Engine.Autodiff;
using ILGPU;
using ILGPU.Runtime;

namespace Aia.Engine.Runtime;

/// <summary>
/// A dense row-major float32 array on a <see cref="Device"/>. A tensor either owns a device buffer
/// (parameters, optimizer state, running statistics: <see cref="Persistent"/>) or lives in the device's
/// step <see cref="MemoryArena"/> (activations and their gradients: <see cref="Empty"/>), in which case it
/// is valid until the arena's next reset. Reshapes are views that share storage.
/// </summary>
public sealed class Tensor : IDisposable
{
    private readonly ArrayView<float> view;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? owner;
    private readonly long generation;
    private readonly ArenaBlock? block;
    private bool holdReleased;
    private readonly bool isVirtual;

    private Tensor(Device device, Shape shape, ArrayView<float> view, MemoryBuffer1D<float, Stride1D.Dense>? owner, long generation,
        ArenaBlock? block = null, bool isVirtual = false)
    {
        this.isVirtual = isVirtual;
        if (!isVirtual && view.Length != shape.Length)
            throw new ArgumentException($"A view of {view.Length} elements cannot have shape {shape}.");
        Device = device;
        Shape = shape;
        this.view = view;
        this.owner = owner;
        this.generation = generation;
        this.block = block;
        if (block is not null)
            block.Holds++;
    }

    /// <summary>The device the data lives on.</summary>
    public Device Device { get; }

    /// <summary>The dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>Number of elements.</summary>
    public long Length => Shape.Length;

    /// <summary>Optional name (parameters: the checkpoint key).</summary>
    public string? Name { get; set; }

    /// <summary>Whether operations on this tensor record their backward on the tape.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>
    /// The gradient of the loss with respect to this tensor after <see cref="Tape.Backward"/>, or null when
    /// none flowed. A persistent tensor keeps its gradient buffer across steps.
    /// </summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>False after <see cref="ZeroGrad"/> until a backward writes the gradient of a persistent tensor.</summary>
    public bool HasGrad { get; internal set; }

    /// <summary>Whether the tensor owns its buffer (true) or lives in the step arena (false).</summary>
    public bool IsPersistent => generation < 0;

    /// <summary>The device memory. Throws when a step tensor is used after the arena was reset.</summary>
    public ArrayView<float> View
    {
        get
        {
            if (generation >= 0 && generation != Device.Arena.Generation)
                throw new InvalidOperationException(
                    $"Tensor {Name ?? Shape.ToString()} belongs to an earlier step: the memory arena has been reset since.");
            if (block is { IsFreed: true } && !isVirtual)
                throw new InvalidOperationException(
                    $"Tensor {Name ?? Shape.ToString()} was used after its last recorded use: its memory has been freed.");
            return view;
        }
    }

    /// <summary>
    /// Whether the tensor is internal to a module (an output of a layer inside <see cref="Nn.Sequential"/>, a view a
    /// layer folds): its data and its gradient are freed once the backward of the op that produced it has run, the
    /// last backward that can read them. Tensors a caller keeps (the network's output, the loss) are not marked.
    /// </summary>
    public bool Intermediate { get; set; }

    /// <summary>The arena block of a step tensor (shared by its views), or null for a persistent tensor.</summary>
    public ArenaBlock? Block => block;

    /// <summary>An uninitialised step tensor from the arena.</summary>
    public static Tensor Empty(Device device, Shape shape)
    {
        var b = device.Arena.AllocateBlock(shape.Length * sizeof(float));
        return new(device, shape, b.View<float>(shape.Length), null, device.Arena.Generation, b);
    }

    /// <summary>
    /// A step tensor for an op's output written in place over <paramref name="input"/> (same element count) when the input
    /// is transient, unpinned and rebuildable (the forward consumes it, a backward rebuilds it; without a backward it need
    /// not be rebuildable), else a new one.
    /// </summary>
    internal static Tensor OverOrEmpty(Tensor input, Shape shape)
    {
        if (input.block is { Transient: true, Pinned: false, IsFreed: false } b && (b.Rematerialize is not null || !input.Device.Tape.IsRecording)
            && shape.Length == input.Length)
        {
            var moved = input.Device.Arena.Transfer(b);
            return new(input.Device, shape, moved.View<float>(shape.Length), null, input.Device.Arena.Generation, moved);
        }
        return Empty(input.Device, shape);
    }

    /// <summary>
    /// A step tensor whose values a forward rerun did not compute, because nothing reads them before the backward
    /// (<see cref="Autodiff.Tape.OutputUnread"/>): it has no memory, its block counts as freed, and a backward gets its
    /// values through <see cref="ReadForBackward()"/> (or reads them from <see cref="ArenaBlock.Normalized"/>) when the op
    /// sets <see cref="ArenaBlock.Rematerialize"/>. Its <see cref="View"/> is an empty placeholder no kernel may touch.
    /// </summary>
    internal static Tensor Virtual(Device device, Shape shape)
    {
        var b = device.Arena.Unplaced(shape.Length * sizeof(float));
        return new(device, shape, default, null, device.Arena.Generation, b, isVirtual: true);
    }

    /// <summary>
    /// A step tensor of <paramref name="shape"/> (the same element count) in the memory of <paramref name="input"/>, which may
    /// no longer be read (its block counts as freed): for an op that writes its result over its input's data.
    /// </summary>
    internal static Tensor Over(Tensor input, Shape shape)
    {
        var moved = input.Device.Arena.Transfer(input.block!);
        return new(input.Device, shape, moved.View<float>(shape.Length), null, input.Device.Arena.Generation, moved);
    }

    /// <summary>A zero-filled step tensor from the arena.</summary>
    public static Tensor Zeros(Device device, Shape shape)
    {
        var t = Empty(device, shape);
        if (!device.Arena.Planning)
            t.View.MemSetToZero();
        return t;
    }

    /// <summary>
    /// The data for a backward closure: the tensor's view, or, when its block was freed after the forward and can be
    /// rebuilt (<see cref="ArenaBlock.Rematerialize"/>), a scratch copy rebuilt now (freed when the closure returns).
    /// </summary>
    public ArrayView<float> ReadForBackward()
    {
        var view = ReadForBackward(out var scratch);
        if (scratch is not null)
            Device.Arena.Adopt(scratch);
        return view;
    }

    /// <summary>As <see cref="ReadForBackward()"/>, handing the rebuilt copy's block (or null) to the caller to free early.</summary>
    public ArrayView<float> ReadForBackward(out ArenaBlock? scratch)
    {
        scratch = null;
        if (block is not { IsFreed: true })
            return View;
        if (block.Rematerialize is not { } rebuild)
            throw new InvalidOperationException($"Tensor {Name ?? Shape.ToString()} was freed after the forward and cannot be rebuilt.");
        scratch = Device.Arena.AllocateBlock(Length * sizeof(float));
        var copy = scratch.View<float>(Length);
        rebuild(copy);
        return copy;
    }

    /// <summary>Marks the data as read directly by a backward closure, so a transient block is kept (see <see cref="ArenaBlock"/>).</summary>
    public void PinForBackward()
    {
        if (block is not null)
            block.Pinned = true;
    }

    /// <summary>Frees a <see cref="ArenaBlock.Transient"/>, unpinned block now that the forward has consumed it.</summary>
    public void ReleaseIfTransient()
    {
        if (block is { Transient: true, Pinned: false })
            block.Free();
    }

    /// <summary>
    /// Called by a module once the next op has consumed this <see cref="Intermediate"/> tensor in the forward: frees a
    /// transient block, and, when the tape is not recording (inference), lets go of the hold, since no backward will read it.
    /// </summary>
    public void Consumed()
    {
        ReleaseIfTransient();
        if (Intermediate && !Device.Tape.IsRecording)
            Release();
    }

    /// <summary>Lets go of this tensor's hold on its block (freed when no tensor holds it); idempotent.</summary>
    internal void Release()
    {
        if (block is null || holdReleased)
            return;
        holdReleased = true;
        if (--block.Holds == 0)
            block.Free();
    }

    /// <summary>A step tensor holding <paramref name="data"/>.</summary>
    public static Tensor FromArray(Device device, Shape shape, ReadOnlySpan<float> data)
    {
        var t = Empty(device, shape);
        t.CopyFrom(data);
        return t;
    }

    /// <summary>
    /// A step tensor over device memory the arena does not own (a slot of an <see cref="Upload.InputRing"/>): valid until
    /// the arena's next reset like any step tensor, never freed by the arena or the tape.
    /// </summary>
    internal static Tensor Over(Device device, Shape shape, ArrayView<float> view) => new(device, shape, view, null, device.Arena.Generation);

    /// <summary>A zero-filled tensor that owns its device buffer (parameters, optimizer state).</summary>
    public static Tensor Persistent(Device device, Shape shape, string? name = null)
    {
        var buffer = device.Accelerator.Allocate1D<float>(shape.Length);
        buffer.MemSetToZero();
        device.TrackAllocation(buffer.LengthInBytes);
        return new Tensor(device, shape, buffer.View, buffer, -1) { Name = name };
    }

    /// <summary>A view of the same storage with another shape of the same element count (no copy, no tape).</summary>
    public Tensor ViewAs(Shape shape)
    {
        if (shape.Length != Length)
            throw new ArgumentException($"Cannot view {Shape} ({Length} elements) as {shape} ({shape.Length} elements).");
        return new Tensor(Device, shape, View, null, generation, block, isVirtual) { Name = Name };
    }

    /// <summary>Copies host data into the tensor (without a device synchronisation on CUDA, see <see cref="MemoryArena.CopyIn{T}"/>).</summary>
    public void CopyFrom(ReadOnlySpan<float> data)
    {
        if (data.Length != Length)
            throw new ArgumentException($"Expected {Length} values for shape {Shape}, got {data.Length}.");
        if (!Device.Arena.Planning)
            MemoryArena.CopyIn(View, data);
    }

    /// <summary>Copies the tensor to a new host array (blocking).</summary>
    public float[] ToArray()
    {
        var data = new float[Length];
        if (!Device.Arena.Planning)
            MemoryArena.CopyOut(View, data.AsSpan());
        return data;
    }

    /// <summary>Forgets the gradient: step tensors drop it, persistent tensors keep the buffer for reuse.</summary>
    public void ZeroGrad()
    {
        HasGrad = false;
        if (!IsPersistent)
            Grad = null;
    }

    /// <summary>
    /// Where a backward kernel writes this tensor's gradient: the view, and whether the kernel must add to
    /// what is there (a second consumer of the tensor, fan-out) or overwrite it (the first).
    /// </summary>
    internal (ArrayView<float> View, bool Accumulate) GradientTarget()
    {
        bool accumulate = HasGrad;
        Grad ??= IsPersistent ? Persistent(Device, Shape, Name is null ? null : Name + ".grad") : Empty(Device, Shape);
        HasGrad = true;
        return (Grad.View, accumulate);
    }

    /// <summary>Makes <paramref name="gradient"/> (which nothing else writes later) this tensor's gradient without
    /// a copy when it has none yet; otherwise adds it.</summary>
    internal void AdoptOrAddGradient(Tensor gradient)
    {
        if (!HasGrad && !IsPersistent)
        {
            Grad = gradient.ViewAs(Shape);
            HasGrad = true;
            return;
        }
        var (target, accumulate) = GradientTarget();
        Ops.Elementwise.CopyOrAdd(Device, gradient.View, target, accumulate);
    }

    /// <summary>
    /// Moves <paramref name="other"/>'s gradient (same element count) to this tensor: it becomes this tensor's gradient
    /// without a copy when this one has none yet, else it is added and let go. <paramref name="other"/> is left without one.
    /// </summary>
    internal void TakeGradientOf(Tensor other)
    {
        if (other.Grad is not { } g || !other.HasGrad)
            return;
        other.Grad = null;
        other.HasGrad = false;
        if (!HasGrad && !IsPersistent && g.Shape == Shape)
        {
            Grad = g;
            HasGrad = true;
            return;
        }
        var (target, accumulate) = GradientTarget();
        Ops.Elementwise.CopyOrAdd(Device, g.View, target, accumulate);
        g.Release();
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{Shape}{(Name is null ? "" : " " + Name)}";

    /// <summary>Frees an owned buffer (step tensors are freed by the arena).</summary>
    public void Dispose()
    {
        if (owner is null)
            return;
        Device.TrackAllocation(-owner.LengthInBytes);
        owner.Dispose();
        Grad?.Dispose();
    }
}
