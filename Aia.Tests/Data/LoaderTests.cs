using Aia.Engine.Data;
using NUnit.Framework;

namespace Aia.Tests.Data;

public sealed class LoaderTests
{
    private const int T = 3, H = 4, W = 5, Plane = 2 * H * W, Sample = T * Plane;

    /// <summary>Sample i holds 1000 i + position, label i % 4.</summary>
    private static ArrayFrameDataset Dataset(int n) => new(
        Enumerable.Range(0, n * Sample).Select(k => (float)(1000 * (k / Sample) + k % Sample)).ToArray(),
        Enumerable.Range(0, n).Select(i => i % 4).ToArray(), [T, 2, H, W], ["a", "b", "c", "d"]);

    /// <summary>Copies of every batch of an epoch (the loader reuses its buffers).</summary>
    private static List<(float[] Frames, int[] Labels, int Index)> Collect(DataLoader loader, int epoch, int start = 0) =>
        loader.Epoch(epoch, start).Select(b => (b.Frames.ToArray(), b.Targets.ToArray(), b.Index)).ToList();

    [Test]
    public void BatchesAreTimeMajorAndCoverEverySampleOnce()
    {
        var data = Dataset(10);
        var loader = new DataLoader(data, 4, seed: 1);
        Assert.That(loader.BatchesPerEpoch, Is.EqualTo(3));
        var seen = new List<int>();
        foreach (var b in loader.Epoch(0))
        {
            Assert.That(b.Shape, Is.EqualTo(new[] { T, b.Count, 2, H, W }));
            for (int n = 0; n < b.Count; n++)
            {
                int item = (int)(b.Frames[n * Plane] / 1000);
                seen.Add(item);
                Assert.That(b.Targets[n], Is.EqualTo(item % 4));
                for (int t = 0; t < T; t++)
                    for (int k = 0; k < Plane; k++)
                        Assert.That(b.Frames[(t * b.Count + n) * Plane + k], Is.EqualTo(1000 * item + t * Plane + k));
            }
        }
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(seen, Is.EqualTo(loader.Order(0)));
        Assert.That(seen, Is.Not.EqualTo(Enumerable.Range(0, 10)), "shuffled");
    }

    [Test]
    public void DeterministicUnderASeedAndDifferentPerEpochAndSeed()
    {
        var data = Dataset(23);
        var augment = new AugmentOptions { MaxShift = 2 };
        var a = Collect(new DataLoader(data, 5, seed: 7, augment: augment), 2);
        var b = Collect(new DataLoader(data, 5, seed: 7, augment: augment, prefetch: 4), 2);
        Assert.That(a.Select(x => x.Frames), Is.EqualTo(b.Select(x => x.Frames)));
        Assert.That(a.Select(x => x.Labels), Is.EqualTo(b.Select(x => x.Labels)));
        var loader = new DataLoader(data, 5, seed: 7);
        Assert.That(loader.Order(3), Is.Not.EqualTo(loader.Order(2)));
        Assert.That(new DataLoader(data, 5, seed: 8).Order(2), Is.Not.EqualTo(loader.Order(2)));
    }

    [Test]
    public void ResumingAtABatchGivesTheBatchesOfTheFullEpoch()
    {
        var data = Dataset(23);
        var augment = new AugmentOptions { MaxShift = 2, MaxRotationDegrees = 10 };
        var full = Collect(new DataLoader(data, 5, seed: 3, augment: augment), 4);
        var resumed = Collect(new DataLoader(data, 5, seed: 3, augment: augment), 4, start: 2);
        Assert.That(resumed.Select(r => r.Index), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(resumed.Select(r => r.Frames), Is.EqualTo(full.Skip(2).Select(r => r.Frames)));
        Assert.That(resumed.Select(r => r.Labels), Is.EqualTo(full.Skip(2).Select(r => r.Labels)));
        Assert.That(full.Last().Labels, Has.Length.EqualTo(3), "the last batch is short");
    }

    [Test]
    public void LeavingAnEpochEarlyDoesNotDisturbTheNext()
    {
        var data = Dataset(40);
        var loader = new DataLoader(data, 4, seed: 5, prefetch: 3);
        foreach (var b in loader.Epoch(0))
            if (b.Index == 1) break;
        var next = Collect(loader, 1);
        Assert.That(next.Select(r => r.Frames), Is.EqualTo(Collect(new DataLoader(data, 4, seed: 5, prefetch: 3), 1).Select(r => r.Frames)));
    }

    [Test]
    public void UnshuffledKeepsTheDatasetOrderAndDropLastDropsTheShortBatch()
    {
        var data = Dataset(10);
        var loader = new DataLoader(data, 4, seed: 1, shuffle: false, dropLast: true);
        var batches = Collect(loader, 0);
        Assert.That(batches, Has.Count.EqualTo(2));
        Assert.That(batches.SelectMany(b => b.Labels), Is.EqualTo(Enumerable.Range(0, 8).Select(i => i % 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(0, 3));
        Assert.Throws<ArgumentException>(() => new DataLoader(data, 0, 1));
    }
}
