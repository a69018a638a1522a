using Aia.Engine.Runtime;

namespace Aia.Engine.Nn;

/// <summary>Checks of the activation layouts modules accept, with messages naming the module.</summary>
internal static class ActivationLayout
{
    /// <summary>x is [T, N, C, H, W] or [B, C, H, W]; returns it.</summary>
    public static Tensor ConvActivation(Tensor x, string module) => x.Shape.Rank is 4 or 5
        ? x
        : throw new ArgumentException($"{module}: expected [T, N, C, H, W] or [B, C, H, W], got {x.Shape}.");

    /// <summary>
    /// Folds time into the batch: [T, N, C, ...] -> [T * N, C, ...] when x has rank <paramref name="timeRank"/>,
    /// leaves [B, C, ...] of rank timeRank - 1 as it is, and rejects other ranks.
    /// </summary>
    public static Tensor FoldTime(Tensor x, int timeRank, string module, string layouts)
    {
        if (x.Shape.Rank == timeRank - 1)
            return x;
        if (x.Shape.Rank != timeRank)
            throw new ArgumentException($"{module}: expected {layouts}, got {x.Shape}.");
        var dims = x.Shape.ToArray();
        return Ops.Elementwise.Reshape(x, new Shape([dims[0] * dims[1], .. dims[2..]]));
    }
}
