namespace Aia.Engine.Data;

/// <summary>
/// One mini-batch from a <see cref="DataLoader"/>: frames time-major [T, N, 2, H, W] (the layout the network
/// takes) in a pinned buffer, and the N labels. The loader reuses the buffers: a batch is valid until the
/// enumeration moves past the next one, so copy what must outlive that.
/// </summary>
public sealed class Batch
{
    internal Batch(int capacity, int[] frameShape)
    {
        FrameShape = frameShape;
        int sample = frameShape[0] * frameShape[1] * frameShape[2] * frameShape[3];
        Buffer = GC.AllocateUninitializedArray<float>(capacity * sample, pinned: true);
        Labels = new int[capacity];
        MixLabels = new int[capacity];
    }

    /// <summary>CutMix (NDA): the labels of the samples whose box was pasted in; valid when <see cref="MixWeight"/> &lt; 1.</summary>
    public int[] MixLabels { get; }

    /// <summary>CutMix: the weight lambda of each sample's own label (1 - the pasted box's area fraction); 1 when not mixed.</summary>
    public float MixWeight { get; internal set; } = 1f;

    /// <summary>The CutMix partner labels [N].</summary>
    public ReadOnlySpan<int> MixTargets => MixLabels.AsSpan(0, Count);

    /// <summary>Pinned storage; the batch uses the first <see cref="Length"/> floats.</summary>
    public float[] Buffer { get; }

    /// <summary>Labels; the first <see cref="Count"/> are this batch's.</summary>
    public int[] Labels { get; }

    /// <summary>[T, 2, H, W] of one sample.</summary>
    public int[] FrameShape { get; }

    /// <summary>Samples in this batch (the last batch of an epoch may be short).</summary>
    public int Count { get; internal set; }

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; internal set; }

    /// <summary>The batch's index within its epoch.</summary>
    public int Index { get; internal set; }

    /// <summary>Floats in use: T * N * 2 * H * W.</summary>
    public int Length => Count * FrameShape[0] * FrameShape[1] * FrameShape[2] * FrameShape[3];

    /// <summary>The frames [T, N, 2, H, W].</summary>
    public ReadOnlySpan<float> Frames => Buffer.AsSpan(0, Length);

    /// <summary>The labels [N].</summary>
    public ReadOnlySpan<int> Targets => Labels.AsSpan(0, Count);

    /// <summary>The frames' shape [T, N, 2, H, W].</summary>
    public int[] Shape => [FrameShape[0], Count, FrameShape[1], FrameShape[2], FrameShape[3]];
}
