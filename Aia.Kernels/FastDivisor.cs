using System.Runtime.CompilerServices;

namespace Aia.Kernels;

/// <summary>
/// Division by a divisor fixed for a launch, as one wide multiply and a shift (Granlund and Montgomery, "Division by
/// invariant integers using multiplication", 1994): with l = ceil(log2 d) and m = ceil(2^(31 + l) / d), which fits
/// in 32 bits, n / d = (n m) >> (31 + l) exactly for every 0 &lt;= n &lt; 2^31 (the error of m, below d, moves
/// n m / 2^(31 + l) by less than 2^-l &lt;= 1 / d, too little to reach the next multiple). Made on the host (the
/// geometry of a launch), used in kernels where a runtime division would cost some twenty instructions.
/// </summary>
public readonly struct FastDivisor
{
    private readonly uint multiplier;
    private readonly int shift;

    /// <summary>
    /// Prepares division by <paramref name="divisor"/> (1 to 2^31 - 1; a size of an empty or invalid geometry, below 1,
    /// divides as 1: the ops refuse such a geometry before any launch).
    /// </summary>
    public FastDivisor(int divisor)
    {
        Divisor = divisor;
        ulong d = (ulong)Math.Max(1, divisor);
        int l = 0;
        while ((1UL << l) < d)
            l++;
        shift = 31 + l;
        multiplier = (uint)(((1UL << shift) + d - 1) / d);
    }

    /// <summary>The divisor d.</summary>
    public int Divisor { get; }

    /// <summary>n / d for 0 &lt;= n &lt; 2^31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Divide(int n) => (int)(((ulong)(uint)n * multiplier) >> shift);
}
