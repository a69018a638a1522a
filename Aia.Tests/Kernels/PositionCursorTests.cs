using Aia.Kernels;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>The division-free walk of the per-channel kernels against the index computed with divisions.</summary>
public sealed class PositionCursorTests
{
    [TestCase(1, 1, 1)]
    [TestCase(3, 35, 2)]
    [TestCase(2, 16, 8)]
    [TestCase(5, 4, 32)]
    [TestCase(4, 1, 3)]
    [TestCase(1, 1024, 4)]
    public void StepsLikeTheDivisionFormula(int channels, int spatial, int stride)
    {
        int positions = 7 * spatial;
        for (int channel = 0; channel < channels; channel++)
        {
            for (int start = 0; start < Math.Min(positions, 2 * stride + 3); start++)
            {
                var cursor = new PositionCursor(channel, channels, spatial, start, stride);
                for (int q = start; q < positions; q += stride, cursor.Next())
                {
                    int n = q / spatial;
                    Assert.That(cursor.Index, Is.EqualTo((n * channels + channel) * spatial + q % spatial), $"c {channel}, q {q}");
                }
            }
        }
    }

    [Test]
    public void SlicesCoverEveryPositionOnceOnQuadBoundaries([Values(1, 3, 7)] int chunks, [Values(5, 64, 301)] int positions)
    {
        var seen = new int[positions];
        for (int item = 0; item < chunks; item++)
        {
            var slice = ChannelSlice.Of(item, chunks, 1, positions, positions);
            Assert.That(slice.Start % 4, Is.Zero);
            for (int q = slice.Start; q < slice.End; q++)
                seen[q]++;
        }
        Assert.That(seen, Is.All.EqualTo(1));
    }
}
