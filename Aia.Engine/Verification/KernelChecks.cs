namespace Aia.Engine.Verification;

/// <summary>Every check <c>aia verify</c> runs; each kernel family contributes its own list.</summary>
public static class KernelChecks
{
    /// <summary>
    /// All checks. <paramref name="scale"/> divides the batch of the realistic sizes (1 = full size);
    /// <paramref name="precision"/> widens the tolerances of the matrix products for the tensor-core formats.
    /// </summary>
    public static IEnumerable<KernelCheck> All(int scale, Runtime.Precision precision = Runtime.Precision.Fp32) =>
        ElementwiseChecks.Cases(scale)
            .Concat(NeuronChecks.Cases(scale))
            .Concat(LayerChecks.Cases(scale))
            .Concat(ConvolutionChecks.Cases(scale, precision))
            .Concat(UploadChecks.Cases(scale));
}
