using Aia.Cli;
using NUnit.Framework;

namespace Aia.Tests.Data;

[NonParallelizable]
public sealed class DataCommandTests
{
    private string dir = "";

    [SetUp]
    public void CreateFolder() => dir = EventFiles.TempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => Support.Cli.Run(args);

    [Test]
    public void InspectPrintsTheSummaryOfAFile()
    {
        string path = EventFiles.Write(dir, "sample.bin", EventFiles.Atis([new Ev(3, 4, 1_000, 1), null, new Ev(10, 20, 500, 0), new Ev(33, 2, 250_000, 1)]));
        var (code, output, _) = Run("data", "inspect", path, "--events", "2");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain($"file:       {path}"));
        Assert.That(output, Does.Contain("format:     ATIS .bin"));
        Assert.That(output, Does.Contain("events:     3"));
        Assert.That(output, Does.Contain("resolution: 34 x 21"));
        Assert.That(output, Does.Contain("duration:   0.257192 s (t 1000 .. 258192 us)"));
        Assert.That(output, Does.Contain("polarity:   ON 2 (66.7%), OFF 1 (33.3%)"));
        Assert.That(output, Does.Contain("first 2 events:"));
        Assert.That(output, Does.Match(@"1000\s+3\s+4\s+ON"));
        Assert.That(output, Does.Match(@"8692\s+10\s+20\s+OFF"), "the overflow marker added 8192 us");
        Assert.That(output, Does.Not.Match(@"258192\s+33\s+2"), "only two events listed");
    }

    [Test]
    public void InspectOfAMissingOrBrokenFileExitsWithOneNamingIt()
    {
        string missing = Path.Combine(dir, "missing.aedat");
        var (code, _, error) = Run("data", "inspect", missing);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(missing));

        string broken = EventFiles.Write(dir, "broken.aedat", EventFiles.AerDat2([new Ev(1, 1, 1, 1)])[..^1]);
        (code, _, error) = Run("data-inspect", broken);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(broken).And.Contain("truncated").And.Contain("byte"));
    }

    [Test]
    public void PrepareBuildsThenReusesTheCaches()
    {
        string cache = Path.Combine(dir, "cache");
        var (code, output, error) = Run("data", "prepare", "--cache", cache, "--limit", "1", "--frames", "4");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("train: 10 samples of [4, 2, 32, 32], 10 classes; built"));
        Assert.That(error, Does.Contain("100%"), "progress bar");
        (code, output, _) = Run("data", "prepare", "--cache", cache, "--limit", "1", "--frames", "4");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("up to date, reused"));
        (code, _, error) = Run("data", "prepare", "--dataset", "n-mnist", "--root", Path.Combine(dir, "none"), "--cache", cache);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("none"));
    }
}
