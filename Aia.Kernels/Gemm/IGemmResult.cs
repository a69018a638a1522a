namespace Aia.Kernels.Gemm;

/// <summary>Where a tiled matrix product writes C, and how (bias, accumulate, split partials).</summary>
public interface IGemmResult
{
    /// <summary>
    /// Stores one microtile: the sums over the reduction range of <paramref name="split"/> for elements
    /// (m + r, n + i), r &lt; <paramref name="rows"/>, i &lt; <paramref name="columns"/> (1 to 4 each), row r in
    /// <paramref name="r0"/> ... <paramref name="r3"/>. Called once per element and split, only inside C.
    /// </summary>
    void Store(int split, int m, int n, int rows, int columns, Float4 r0, Float4 r1, Float4 r2, Float4 r3);
}
