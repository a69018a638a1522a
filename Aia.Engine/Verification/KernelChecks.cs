namespace Aia.Engine.Verification;

/// <summary>Every check <c>aia verify</c> runs; each kernel family contributes its own list.</summary>
public static class KernelChecks
{
    /// <summary>All checks. <paramref name="scale"/> divides the batch of the realistic sizes (1 = full size).</summary>
    public static IEnumerable<KernelCheck> All(int scale) =>
        ElementwiseChecks.Cases(scale)
            .Concat(NeuronChecks.Cases(scale))
            .Concat(LayerChecks.Cases(scale))
            .Concat(ConvolutionChecks.Cases(scale));
}
