using System.Globalization;
using System.Text.RegularExpressions;
using Aia.Engine.Training;
using NUnit.Framework;

namespace Aia.Tests.Training;

/// <summary><c>aia train --dry-run</c>: the plan of a training step without data or a run folder, against a real run's peak.</summary>
[NonParallelizable]
public sealed partial class DryRunTests
{
    private string dir = "";

    [SetUp]
    public void CreateFolder() => dir = Directory.CreateTempSubdirectory("aia-dry-run-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(dir, recursive: true);

    [Test]
    public void TheDryRunPlansTheMeasuredPeakWithoutDataOrARunFolder()
    {
        const string memory = "low"; // the default mode's plan against a real step: LivenessTests.ADryRunPlansExactlyWhatTheRealStepUses
        string cache = Path.Combine(dir, "cache"), runs = Path.Combine(dir, "runs");
        string[] common = ["--model", "8,16,A,16,A", "-T", "4", "--size", "24", "--batch", "12", "--limit", "12", "--epochs", "1", "--val-fraction", "0",
            "--memory", memory, "--cache", cache, "--out", runs, "--device", "cpu", "--quiet"];
        var (code, output, err) = Support.Cli.Run(["train", "--dry-run", .. common]);
        Assert.That(code, Is.Zero, err);
        Assert.That(output, Does.Contain("saved for backward").And.Contain("no data read").And.Contain($"--memory {memory}"));
        Assert.That(Directory.Exists(runs), Is.False, "a dry run writes no run folder");
        Assert.That(Directory.Exists(cache), Is.False, "a dry run builds no frame cache");
        double planned = double.Parse(Peak().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);

        (code, _, err) = Support.Cli.Run(["train", "--name", "real", .. common]);
        Assert.That(code, Is.Zero, err);
        double measured = MetricsLog.Load(Path.Combine(runs, "real", "metrics.jsonl"))[^1].PeakMemoryMiB;
        TestContext.Out.WriteLine($"--memory {memory}: planned {planned:F2} MiB, measured {measured:F2} MiB");
        Assert.That(Math.Abs(planned - measured), Is.LessThanOrEqualTo(0.05 * measured), $"planned {planned} MiB, measured {measured} MiB");
    }

    [Test]
    public void CompareDryRunPlansEachNeuron()
    {
        string runs = Path.Combine(dir, "runs");
        var (code, output, err) = Support.Cli.Run("compare", "--dry-run", "--neurons", "lif,cached-aia", "--model", "8,A", "-T", "3", "--size", "16",
            "--batch", "4", "--out", runs, "--device", "cpu");
        Assert.That(code, Is.Zero, err);
        Assert.That(Peak().Matches(output), Has.Count.EqualTo(2));
        Assert.That(output, Does.Contain("lif neurons").And.Contain("cached-aia neurons"));
        Assert.That(Directory.Exists(runs), Is.False, "a dry run writes no study folder");
    }

    [Test]
    public void ADryRunDoesNotTakeResume()
    {
        var (code, _, err) = Support.Cli.Run("train", "--dry-run", "--resume", dir, "--device", "cpu");
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("--dry-run"));
    }

    [GeneratedRegex(@"peak device memory of a training step: ([0-9.]+) MiB")]
    private static partial Regex Peak();
}
