namespace Aia.Engine.Runtime;

/// <summary>
/// A small seeded generator (SplitMix64): the same seed gives the same stream on every machine and .NET version,
/// which is what makes initialisation, shuffling, augmentation and dropout masks reproducible and resumable.
/// </summary>
public sealed class Rng(ulong seed)
{
    private ulong state = seed;

    /// <summary>The generator's state (checkpointed so a resumed run draws the same numbers).</summary>
    public ulong State
    {
        get => state;
        set => state = value;
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)(NextDouble() * n);

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles in place (Fisher-Yates).</summary>
    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
