namespace Aia.Engine.Runtime;

/// <summary>
/// The input format of the matrix products (convolutions and linear layers, forward and backward): FP32 FMA, or
/// tensor cores (mma.sync) with TF32 or BF16 inputs, always accumulated in FP32. Spikes (0 or 1) are exact in
/// every format. The CPU accelerator computes FP32.
/// </summary>
public enum Precision
{
    /// <summary>FP32 inputs, FP32 multiply-adds.</summary>
    Fp32,

    /// <summary>TF32 inputs (10 mantissa bits), m16n8k8 tensor-core products, FP32 accumulation.</summary>
    Tf32,

    /// <summary>BF16 inputs (7 mantissa bits), m16n8k16 tensor-core products, FP32 accumulation.</summary>
    Bf16,
}

/// <summary>Parsing and naming of <see cref="Precision"/> (the <c>--precision</c> option).</summary>
public static class Precisions
{
    /// <summary>The option's spelling: fp32, tf32, bf16.</summary>
    public static string Name(this Precision p) => p.ToString().ToLowerInvariant();

    /// <summary>Parses fp32, tf32 or bf16 (case-insensitive); null or empty gives null (the device's default).</summary>
    public static Precision? Parse(string? text) => string.IsNullOrWhiteSpace(text)
        ? null
        : Enum.TryParse<Precision>(text.Trim(), ignoreCase: true, out var p) && Enum.IsDefined(p)
            ? p
            : throw new ArgumentException($"--precision must be fp32, tf32 or bf16, got '{text}'.");
}
