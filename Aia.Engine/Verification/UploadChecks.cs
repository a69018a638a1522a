using Aia.Engine.Autodiff;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Runtime.Upload;

namespace Aia.Engine.Verification;

/// <summary>
/// The input ring on the device (on CUDA its copy stream and the events between the streams): batches of a VGGSNN
/// step's frames go through 2 slots, each read many times by a slow consumer while the next batches are uploaded, from a
/// host buffer refilled as soon as each upload returns. A copy that overtook the consumer of its slot, or a consumer that
/// overtook its copy, changes that batch's mean.
/// </summary>
public static class UploadChecks
{
    /// <summary>The case at the frames of T 10 x 32 / scale x 2 x 64 x 64.</summary>
    public static IEnumerable<KernelCheck> Cases(int scale)
    {
        int n = 10 * Math.Max(1, 32 / scale) * 2 * 64 * 64;
        const int batches = 6, reads = 40;
        yield return new KernelCheck("input.ring", $"{batches} x [{n}], 2 slots", d =>
        {
            using var ring = new InputRing(d, n, 4);
            using var sum = Tensor.Persistent(d, new Shape(n));
            var frames = new float[n];
            var means = new List<Tensor>();
            for (int k = 0; k < batches; k++)
            {
                Array.Fill(frames, k + 1f);
                var batch = ring.Upload(new Shape(n), frames, [k, k, k, k]);
                Elementwise.Fill(d, sum.View, 0f);
                for (int r = 0; r < reads; r++)
                    Elementwise.Accumulate(d, batch.Frames.View, sum.View, 1f);
                means.Add(Reduction.Sum(sum, 1f / n));
            }
            var got = means.SelectMany(m => m.ToArray()).ToArray();
            return GradCheck.Compare(got, Enumerable.Range(1, batches).Select(k => (double)k * reads).ToArray(), 1e-3, 1e-5);
        });
    }
}
