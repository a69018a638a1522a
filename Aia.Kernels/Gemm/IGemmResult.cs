namespace Aia.Kernels.Gemm;

/// <summary>Where a tiled matrix product writes element (m, n) of C, and how (bias, accumulate, split partials).</summary>
public interface IGemmResult
{
    /// <summary>
    /// Stores the sum over the reduction range of <paramref name="split"/> for element (m, n); called once per
    /// element and split, only for m &lt; M and n &lt; N.
    /// </summary>
    void Store(int split, int m, int n, float value);
}
