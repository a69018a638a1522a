using Aia.Engine.Data;
using Aia.Engine.Runtime;
using NUnit.Framework;

namespace Aia.Tests.Data;

public sealed class AugmentTests
{
    private const int H = 9, W = 11;

    private static float[] Pattern(int planes) => Enumerable.Range(0, planes * H * W).Select(i => (float)(i + 1)).ToArray();

    [Test]
    public void FlipMirrorsEveryPlaneOrLeavesItAlone()
    {
        var options = new AugmentOptions { Flip = true, MaxShift = 0 };
        int flipped = 0;
        for (ulong seed = 0; seed < 20; seed++)
        {
            var x = Pattern(2);
            Augment.Apply(x, 2, H, W, options, new Rng(seed));
            var original = Pattern(2);
            bool mirror = Enumerable.Range(0, 2 * H * W).All(i => x[i] == original[i - i % W + (W - 1 - i % W)]);
            bool same = x.SequenceEqual(original);
            Assert.That(mirror ^ same, Is.True, $"seed {seed}: neither flipped nor unchanged");
            flipped += mirror ? 1 : 0;
        }
        Assert.That(flipped, Is.InRange(4, 16), "about half the samples are flipped");
    }

    [Test]
    public void RollWrapsByTheSameShiftOnEveryPlaneWithinTheLimit()
    {
        var options = new AugmentOptions { Flip = false, MaxShift = 3 };
        var seen = new HashSet<(int, int)>();
        for (ulong seed = 0; seed < 40; seed++)
        {
            var x = Pattern(3);
            Augment.Apply(x, 3, H, W, options, new Rng(seed));
            var o = Pattern(3);
            var shift = (from dy in Enumerable.Range(-3, 7)
                         from dx in Enumerable.Range(-3, 7)
                         where Enumerable.Range(0, 3 * H * W).All(i =>
                         {
                             int c = i / (H * W), y = i / W % H, xx = i % W;
                             return x[i] == o[c * H * W + (y - dy + H) % H * W + (xx - dx + W) % W];
                         })
                         select (dx, dy)).ToList();
            Assert.That(shift, Has.Count.EqualTo(1), $"seed {seed}: output is one roll of the input");
            seen.Add(shift[0]);
        }
        Assert.That(seen.Count, Is.GreaterThan(15), "shifts vary");
    }

    [Test]
    public void RotationKeepsTheDistanceFromTheCentreAndShearKeepsTheRows()
    {
        const int n = 15;                                                            // centre (7, 7)
        for (ulong seed = 0; seed < 30; seed++)
        {
            var rotated = Block(n, 7, 11);                                           // 3x3 block 4 pixels right of the centre
            Augment.Apply(rotated, 1, n, n, new AugmentOptions { Flip = false, MaxShift = 0, MaxRotationDegrees = 40 }, new Rng(seed));
            var lit = Enumerable.Range(0, n * n).Where(i => rotated[i] > 0).ToList();
            Assert.That(lit.Count, Is.InRange(6, 12), $"seed {seed}: the block keeps about its area");
            double cy = lit.Average(i => i / n), cx = lit.Average(i => i % n);
            Assert.That(Math.Sqrt((cy - 7) * (cy - 7) + (cx - 7) * (cx - 7)), Is.EqualTo(4).Within(0.75), $"seed {seed}");

            var sheared = Block(n, 3, 7);
            Augment.Apply(sheared, 1, n, n, new AugmentOptions { Flip = false, MaxShift = 0, MaxShearDegrees = 30 }, new Rng(seed));
            Assert.That(Enumerable.Range(0, n * n).Where(i => sheared[i] > 0).Select(i => i / n).Distinct().Order(), Is.EqualTo(new[] { 2, 3, 4 }),
                $"seed {seed}: x-shear keeps rows");
        }
    }

    [Test]
    public void SameSeedSameResult()
    {
        var options = new AugmentOptions { MaxShift = 5, MaxRotationDegrees = 10, MaxShearDegrees = 5 };
        var a = Pattern(4);
        var b = Pattern(4);
        Augment.Apply(a, 4, H, W, options, new Rng(9));
        Augment.Apply(b, 4, H, W, options, new Rng(9));
        Assert.That(a, Is.EqualTo(b));
    }

    private static float[] Block(int n, int y, int x)
    {
        var a = new float[n * n];
        for (int i = y - 1; i <= y + 1; i++)
            for (int j = x - 1; j <= x + 1; j++) a[i * n + j] = 1;
        return a;
    }

    [Test]
    public void CutMixPastesOneBoxFromAnotherSampleIntoEveryFrameAndWeighsTheLabelsByArea()
    {
        const int n = 5, t = 3;
        // sample k holds the value 100 k + 1 everywhere, so every cell tells which sample it came from
        var frames = Enumerable.Range(0, n).SelectMany(k => Enumerable.Repeat(100f * k + 1, t * 2 * H * W)).ToArray();
        var data = new ArrayFrameDataset(frames, [0, 1, 2, 3, 4], [t, 2, H, W], ["a", "b", "c", "d", "e"]);
        var options = AugmentOptions.None with { CutMixProbability = 1 };
        var loader = new DataLoader(data, n, 7, shuffle: false, augment: options);
        int mixedBatches = 0;
        for (int epoch = 1; epoch <= 6; epoch++)
        {
            var batch = loader.Epoch(epoch).Single();
            if (batch.MixWeight == 1f) continue; // a box clipped to nothing
            mixedBatches++;
            var x = batch.Frames.ToArray();
            bool[]? pasted = null;
            int shift = -1;
            for (int k = 0; k < n; k++)
            {
                int from = -1;
                for (int c = 0; c < t * 2; c++)
                {
                    var here = new bool[H * W];
                    for (int p = 0; p < H * W; p++)
                    {
                        float v = x[((c / 2 * n + k) * 2 + c % 2) * H * W + p];
                        if (v == 100f * k + 1) continue;
                        here[p] = true;
                        int source = (int)(v - 1) / 100;
                        from = from < 0 ? source : from;
                        Assert.That(source, Is.EqualTo(from), "one partner per sample");
                    }
                    pasted ??= here;
                    Assert.That(here, Is.EqualTo(pasted), "the same box in every frame, polarity and sample");
                }
                int s = (k - from + n) % n;
                shift = shift < 0 ? s : shift;
                Assert.That(s, Is.EqualTo(shift), "partners are the batch rolled by one shift");
                Assert.That(batch.MixLabels[k], Is.EqualTo(from));
            }
            // the box is a rectangle, and lambda is one minus its area fraction
            var cells = Enumerable.Range(0, H * W).Where(p => pasted![p]).ToArray();
            int rows = cells.Select(p => p / W).Distinct().Count(), cols = cells.Select(p => p % W).Distinct().Count();
            Assert.That(cells.Length, Is.EqualTo(rows * cols));
            Assert.That(batch.MixWeight, Is.EqualTo(1f - (float)cells.Length / (H * W)).Within(1e-6));
            var again = loader.Epoch(epoch).Single();
            Assert.That(again.Frames.ToArray(), Is.EqualTo(x), "deterministic");
        }
        Assert.That(mixedBatches, Is.GreaterThan(2));
    }

    [Test]
    public void PoliciesAreNamedAndDescribed()
    {
        Assert.That(AugmentOptions.Policy("flip-roll").Describe(), Is.EqualTo("flip-roll: horizontal flip p 0.5, roll up to 5 px in x and y"));
        Assert.That(AugmentOptions.Policy("roll").Flip, Is.False);
        Assert.That(AugmentOptions.Policy("none").Describe(), Does.Contain("no augmentation"));
        Assert.That(AugmentOptions.Policy("nda").Describe(), Does.Contain("rotation").And.Contain("shear").And.Contain("CutMix"));
        Assert.Throws<ArgumentException>(() => AugmentOptions.Policy("mirror"));
        Assert.That(AugmentOptions.Policy("roll:2").Describe(), Is.EqualTo("roll:2: roll up to 2 px in x and y"));
        Assert.That(AugmentOptions.Policy("flip-roll:3").Flip, Is.True);
        Assert.Throws<ArgumentException>(() => AugmentOptions.Policy("roll:x"));
    }
}
