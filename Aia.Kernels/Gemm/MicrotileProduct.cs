using ILGPU;

namespace Aia.Kernels.Gemm;

/// <summary>
/// The portable product: <see cref="GemmTile"/>'s own loop over 4 x 4 register microtiles. The instantiation GPU
/// launches use; it runs on the CPU accelerator too.
/// </summary>
public readonly struct MicrotileProduct : ITileProduct
{
    /// <inheritdoc/>
    public bool WholeTile => false;

    /// <summary>Not used: <see cref="WholeTile"/> is false.</summary>
    public void Accumulate(ArrayView<float> shared, int tileM, int tileN, int b, int steps, int park, int rows, int first, int thread, int threads)
    {
    }

    /// <inheritdoc/>
    public Float4 ReadQuad(ArrayView<float> view, int index) => new(view[index], view[index + 1], view[index + 2], view[index + 3]);
}
