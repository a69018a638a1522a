using ILGPU;

namespace Aia.Kernels;

/// <summary>
/// Block-wide reductions in shared memory for groups of at most <see cref="MaxGroupSize"/> threads whose size is a
/// power of two. Every thread of the group must call them (they contain barriers).
/// </summary>
public static class GroupReduce
{
    /// <summary>Largest group the reductions support.</summary>
    public const int MaxGroupSize = 1024;

    /// <summary>
    /// The shared memory of a reduction. A kernel that reduces in a loop allocates it once before the loop: on the
    /// CPU accelerator every allocation executed is a new buffer.
    /// </summary>
    public static ArrayView<float> Allocate() => SharedMemory.Allocate<float>(MaxGroupSize);

    /// <summary>The sum of <paramref name="value"/> over the group, returned to every thread.</summary>
    public static float Sum(float value) => Sum(Allocate(), value);

    /// <summary>
    /// The sum of <paramref name="value"/> over the group in <paramref name="shared"/> (from <see cref="Allocate"/>).
    /// A group of one thread (the production CPU device) returns the value without a barrier: on the CPU
    /// accelerator every barrier is several thread-synchronisation calls, which dominated kernels that reduce
    /// many small items.
    /// </summary>
    public static float Sum(ArrayView<float> shared, float value)
    {
        int threads = Group.DimX;
        if (threads == 1)
            return value;
        int t = Group.IdxX;
        shared[t] = value;
        Group.Barrier();
        for (int s = threads / 2; s > 0; s >>= 1)
        {
            if (t < s)
                shared[t] += shared[t + s];
            Group.Barrier();
        }
        float result = shared[0];
        Group.Barrier();
        return result;
    }
}
