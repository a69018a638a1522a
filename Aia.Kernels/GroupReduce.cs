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

    /// <summary>The sum of <paramref name="value"/> over the group, returned to every thread.</summary>
    public static float Sum(float value)
    {
        var shared = SharedMemory.Allocate<float>(MaxGroupSize);
        int t = Group.IdxX;
        shared[t] = value;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
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
