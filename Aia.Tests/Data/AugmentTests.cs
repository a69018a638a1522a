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
}
