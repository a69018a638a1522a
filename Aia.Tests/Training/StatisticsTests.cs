using Aia.Engine.Training;
using NUnit.Framework;

namespace Aia.Tests.Training;

public sealed class StatisticsTests
{
    [Test]
    public void MeanAndSampleStandardDeviation()
    {
        Assert.That(Statistics.Mean([2, 4, 9]), Is.EqualTo(5).Within(1e-12));
        Assert.That(Statistics.StandardDeviation([2, 4, 9]), Is.EqualTo(Math.Sqrt((9 + 1 + 16) / 2.0)).Within(1e-12));
        Assert.That(Statistics.StandardDeviation([3]), Is.NaN);
    }

    [TestCase(1, 12.7062)]
    [TestCase(2, 4.3027)]
    [TestCase(4, 2.7764)]
    [TestCase(29, 2.0452)]
    [TestCase(40, 2.0211)]
    [TestCase(100, 1.9840)]
    [TestCase(1000, 1.9623)]
    public void TQuantilesMatchTheTable(int df, double expected) =>
        Assert.That(Statistics.TQuantile975(df), Is.EqualTo(expected).Within(2e-4));

    [Test]
    public void PairedDifferenceUsesTheTInterval()
    {
        // differences 1, 2, 6: mean 3, sd sqrt(7), t(2) = 4.302653
        var (mean, low, high, n) = Statistics.PairedDifference([11, 12, 16], [10, 10, 10]);
        double half = 4.302653 * Math.Sqrt(7) / Math.Sqrt(3);
        Assert.That((mean, n), Is.EqualTo((3.0, 3)));
        Assert.That(low, Is.EqualTo(3 - half).Within(1e-5));
        Assert.That(high, Is.EqualTo(3 + half).Within(1e-5));
        Assert.That(Statistics.PairedDifference([1], [0]).Low, Is.NaN);
        Assert.Throws<ArgumentException>(() => Statistics.PairedDifference([1, 2], [0]));
    }
}
