namespace Aia.Engine.Data;

/// <summary>Derives independent seeds from a base seed and indices (SplitMix64 finaliser), so per-sample random
/// streams do not depend on which thread handles the sample or in which order.</summary>
internal static class Seeds
{
    /// <summary>A seed for (<paramref name="seed"/>, <paramref name="a"/>, <paramref name="b"/>).</summary>
    public static ulong Derive(ulong seed, long a, long b = 0) => Mix(Mix(Mix(seed) ^ (ulong)a) ^ (ulong)b);

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
