namespace Aia.Kernels.Gemm;

/// <summary>
/// Four consecutive floats read or written as one element. On the CPU accelerator every view access carries a
/// bounds check and a buffer lookup, so one quad costs a quarter of four scalar accesses; the PTX backend emits
/// vector loads (ld.shared.v4.f32) where it can prove 16-byte alignment and scalar loads otherwise.
/// </summary>
public struct Float4
{
    /// <summary>Element 0.</summary>
    public float X;

    /// <summary>Element 1.</summary>
    public float Y;

    /// <summary>Element 2.</summary>
    public float Z;

    /// <summary>Element 3.</summary>
    public float W;

    /// <summary>Creates a quad.</summary>
    public Float4(float x, float y, float z, float w)
    {
        X = x;
        Y = y;
        Z = z;
        W = w;
    }
}
