using Aia.Kernels;
using NUnit.Framework;

namespace Aia.Tests.Kernels;

/// <summary>The multiply-and-shift division of the convolution gathers against the integer division.</summary>
public sealed class FastDivisorTests
{
    [Test]
    public void SmallDivisorsDivideEveryNumberUpTo65536Exactly()
    {
        for (int d = 1; d <= 300; d++)
        {
            var f = new FastDivisor(d);
            Assert.That(f.Divisor, Is.EqualTo(d));
            for (int n = 0; n <= 65536; n++)
            {
                if (f.Divide(n) != n / d)
                    Assert.Fail($"{n} / {d}: {f.Divide(n)}, expected {n / d}");
            }
        }
    }

    [Test]
    public void AnyDivisorDividesTheEdgesAndRandomNumbersBelow2To31Exactly()
    {
        var rng = new Random(1);
        var divisors = Enumerable.Range(1, 5000)
            .Concat([4095, 4096, 4097, 65535, 65536, 65537, 1 << 20, (1 << 20) + 1, 1_000_003, int.MaxValue / 3, 1 << 30, (1 << 30) + 1, int.MaxValue - 1, int.MaxValue])
            .Concat(Enumerable.Range(0, 2000).Select(_ => rng.Next(1, int.MaxValue)));
        foreach (int d in divisors)
        {
            var f = new FastDivisor(d);
            int top = int.MaxValue / d * d;
            int[] edges = [0, 1, d - 1, d, d + 1 > 0 ? d + 1 : d, 2 * (long)d - 1 <= int.MaxValue ? 2 * d - 1 : d, top, top - 1, top + (int)Math.Min(d - 1, int.MaxValue - (long)top), int.MaxValue];
            foreach (int n in edges.Concat(Enumerable.Range(0, 20).Select(_ => rng.Next())))
            {
                if (f.Divide(n) != n / d)
                    Assert.Fail($"{n} / {d}: {f.Divide(n)}, expected {n / d}");
            }
        }
    }
}
