namespace Aia.Kernels;

/// <summary>
/// Counter-based random bits for device code: a hash of (key, counter) instead of a generator state, so any
/// thread can draw the number of any element in any order and a backward pass can redraw the forward's.
/// The mixer is Wellons' lowbias32 (a bijection of 32-bit integers with low bias), applied twice with the
/// two halves of a 64-bit key.
/// </summary>
public static class CounterHash
{
    /// <summary>A well-mixed 32-bit hash of <paramref name="counter"/> under the key (key0, key1).</summary>
    public static uint Hash(uint counter, uint key0, uint key1) => Mix(Mix(counter ^ key0) + key1);

    /// <summary>lowbias32: x ^= x &gt;&gt; 16; x *= 0x7feb352d; x ^= x &gt;&gt; 15; x *= 0x846ca68b; x ^= x &gt;&gt; 16.</summary>
    public static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352dU;
        x ^= x >> 15;
        x *= 0x846ca68bU;
        x ^= x >> 16;
        return x;
    }

    /// <summary>Whether dropout keeps element <paramref name="index"/>: the hash's top 24 bits reach the threshold
    /// round(p * 2^24), which happens with probability 1 - p.</summary>
    public static bool Keep(int index, uint key0, uint key1, uint threshold) =>
        Hash((uint)index, key0, key1) >> 8 >= threshold;
}
