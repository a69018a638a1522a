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

    private Tensor(Device device, Shape shape, ArrayView<float> view, MemoryBuffer1D<float, Stride1D.Dense>? owner, long generation)
    {
        if (view.Length != shape.Length)
            throw new ArgumentException($"A view of {view.Length} elements cannot have shape {shape}.");
        Device = device;
        Shape = shape;
        this.view = view;
        this.owner = owner;
        this.generation = generation;
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
            return view;
        }
    }

    /// <summary>An uninitialised step tensor from the arena.</summary>
    public static Tensor Empty(Device device, Shape shape) =>
        new(device, shape, device.Arena.Allocate<float>(shape.Length), null, device.Arena.Generation);

    /// <summary>A zero-filled step tensor from the arena.</summary>
    public static Tensor Zeros(Device device, Shape shape)
    {
        var t = Empty(device, shape);
        t.View.MemSetToZero();
        return t;
    }

    /// <summary>A step tensor holding <paramref name="data"/>.</summary>
    public static Tensor FromArray(Device device, Shape shape, ReadOnlySpan<float> data)
    {
        var t = Empty(device, shape);
        t.CopyFrom(data);
        return t;
    }

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
        return new Tensor(Device, shape, View, null, generation) { Name = Name };
    }

    /// <summary>Copies host data into the tensor (without a device synchronisation on CUDA, see <see cref="MemoryArena.CopyIn{T}"/>).</summary>
    public void CopyFrom(ReadOnlySpan<float> data)
    {
        if (data.Length != Length)
            throw new ArgumentException($"Expected {Length} values for shape {Shape}, got {data.Length}.");
        MemoryArena.CopyIn(View, data);
    }

    /// <summary>Copies the tensor to a new host array (blocking).</summary>
    public float[] ToArray()
    {
        var data = new float[Length];
        View.CopyToCPU(data);
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
