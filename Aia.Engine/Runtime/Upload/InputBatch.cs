using ILGPU;

namespace Aia.Engine.Runtime.Upload;

/// <summary>One uploaded batch: the frames as a step tensor, the labels and the CutMix partner labels (empty when not mixed).</summary>
/// <param name="Frames">The frames [T, N, 2, H, W], valid until the arena's next reset.</param>
/// <param name="Labels">The N labels.</param>
/// <param name="MixLabels">The N labels of the pasted boxes, or an empty view.</param>
public readonly record struct InputBatch(Tensor Frames, ArrayView<int> Labels, ArrayView<int> MixLabels);
