namespace Aia.Kernels.Gemm;

/// <summary>Where a tiled matrix product writes C, and how (bias, accumulate, split partials).</summary>
public interface IGemmResult
{
    /// <summary>
    /// Stores the sums over the reduction range of <paramref name="split"/> for elements (m, n) ... (m, n + count - 1)
    /// (count 1 to 4: <paramref name="v0"/> ... <paramref name="v3"/>); called once per element and split, only
    /// for m &lt; M and n + count &lt;= N.
    /// </summary>
    void Store(int split, int m, int n, int count, float v0, float v1, float v2, float v3);
}
