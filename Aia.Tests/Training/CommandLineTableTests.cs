using NUnit.Framework;

namespace Aia.Tests.Training;

/// <summary>
/// Bad command lines against exit codes: every one is refused before any work (no data prepared, no run folder),
/// usage errors with 2 and the option named, failures with 1 and the file named.
/// </summary>
[NonParallelizable]
public sealed class CommandLineTableTests
{
    private string dir = "";

    [SetUp]
    public void CreateFolder() => dir = Directory.CreateTempSubdirectory("aia-cli-table-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(dir, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var r = Support.Cli.Run(args);
        Assert.That(Directory.Exists(Path.Combine(dir, "runs")) ? Directory.GetFileSystemEntries(Path.Combine(dir, "runs")) : [], Is.Empty,
            "a refused command line created a run folder");
        Assert.That(Directory.Exists(Path.Combine(dir, "cache")), Is.False, "a refused command line prepared data");
        return r;
    }

    private string[] Train(params string[] extra) => ["train", "--out", Path.Combine(dir, "runs"), "--cache", Path.Combine(dir, "cache"), "--device", "cpu", "--quiet", .. extra];

    /// <summary>Train options: (tokens, the option the message must name).</summary>
    public static IEnumerable<TestCaseData> BadTrainOptions()
    {
        yield return new TestCaseData(new[] { "-T" }, "--timesteps").SetName("a value-taking option at the end has no value");
        yield return new TestCaseData(new[] { "--epochs", "--quiet" }, "--epochs").SetName("an option followed by another option has no value");
        yield return new TestCaseData(new[] { "stray" }, "stray").SetName("a stray word");
        yield return new TestCaseData(new[] { "--neuron", "--", "--lr", "NaN" }, "--neuron").SetName("a double dash where a value is due (the parser drops what follows)");
        yield return new TestCaseData(new[] { "--", "--lr", "NaN" }, "--lr").SetName("options after a double dash");
        yield return new TestCaseData(new[] { "--weight-decay", "NaN" }, "--weight-decay").SetName("NaN weight decay");
        yield return new TestCaseData(new[] { "--precision", "fp16" }, "--precision").SetName("an unknown precision");
        yield return new TestCaseData(new[] { "--weight-decay", "-1" }, "--weight-decay").SetName("negative weight decay");
        yield return new TestCaseData(new[] { "--clip-norm", "-1" }, "--clip-norm").SetName("negative clip norm");
        yield return new TestCaseData(new[] { "--clip-norm", "NaN" }, "--clip-norm").SetName("NaN clip norm");
        yield return new TestCaseData(new[] { "--warmup", "-2" }, "--warmup").SetName("negative warm-up");
        yield return new TestCaseData(new[] { "--log-interval", "0" }, "--log-interval").SetName("zero log interval");
        yield return new TestCaseData(new[] { "--log-interval", "-5" }, "--log-interval").SetName("negative log interval");
        yield return new TestCaseData(new[] { "--label-smoothing", "5" }, "--label-smoothing").SetName("label smoothing above 1");
        yield return new TestCaseData(new[] { "--lr", "Infinity" }, "--lr").SetName("infinite learning rate");
        yield return new TestCaseData(new[] { "--size", "46341" }, "--size").SetName("a size whose square overflows");
        yield return new TestCaseData(new[] { "-T", "1048576" }, "--timesteps").SetName("a million time steps");
        yield return new TestCaseData(new[] { "-T", "1000", "--size", "4000" }, "--size").SetName("time steps times size too large");
        yield return new TestCaseData(new[] { "--val-fraction", "1" }, "--val-fraction").SetName("validation fraction 1");
        yield return new TestCaseData(new[] { "--limit", "-1" }, "--limit").SetName("negative limit");
        yield return new TestCaseData(new[] { "--name", "" }, "--name").SetName("empty run name");
        yield return new TestCaseData(new[] { "--root", "" }, "--root").SetName("empty root");
        yield return new TestCaseData(new[] { "--batch", "0" }, "--batch").SetName("zero batch");
    }

    [TestCaseSource(nameof(BadTrainOptions))]
    public void BadTrainOptionsAreUsageErrorsBeforeAnyWork(string[] tokens, string named)
    {
        var (code, _, err) = Run(Train(tokens));
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(named.TrimStart('-')));
        Assert.That(err, Does.Contain("timesteps"), "the verb's usage follows the error");
    }

    [TestCase(new[] { "eval", "--checkpoint", "x", "--batch", "0" }, "--batch")]
    [TestCase(new[] { "eval", "--checkpoint", "x", "--limit", "-3" }, "--limit")]
    [TestCase(new[] { "eval", "--checkpoint", "x", "--split", "valid" }, "--split")]
    [TestCase(new[] { "eval", "--checkpoint", "x", "extra" }, "extra")]
    [TestCase(new[] { "eval", "--checkpoint" }, "--checkpoint")]
    [TestCase(new[] { "eval", "--checkpoint", "" }, "--checkpoint")]
    [TestCase(new[] { "export", "--checkpoint", "x", "--verify-samples", "-1" }, "--verify-samples")]
    [TestCase(new[] { "data", "prepare", "--frames", "0" }, "--frames")]
    [TestCase(new[] { "data", "prepare", "--height", "65536", "--width", "65536" }, "--height")]
    [TestCase(new[] { "data", "prepare", "--frames", "1000", "--height", "4000", "--width", "4000" }, "--frames")]
    [TestCase(new[] { "data", "prepare", "--split", "random" }, "--split")]
    [TestCase(new[] { "data", "prepare", "--clamp-max", "NaN" }, "--clamp-max")]
    [TestCase(new[] { "data", "prepare", "--threads", "-1" }, "--threads")]
    [TestCase(new[] { "data", "inspect", "" }, "FILE")]
    [TestCase(new[] { "data", "inspect", "a.bin", "b.bin" }, "b.bin")]
    [TestCase(new[] { "compare", "--runs" }, "--runs")]
    public void BadOptionsOfOtherVerbsAreUsageErrors(string[] args, string named)
    {
        var (code, _, err) = Run([.. args, .. args[0] == "data" ? new[] { "--cache", Path.Combine(dir, "cache") }.Take(args[1] == "prepare" ? 2 : 0) : []]);
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(named));
    }

    [Test]
    public void AModelFileThatIsNotJsonIsNamed()
    {
        string bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, "{\"layers\": [\"16\", ");
        var (code, _, err) = Run(Train("--model", bad));
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("--model").And.Contain(bad));
        File.WriteAllText(bad, "[1, 2]");
        (code, _, err) = Run(Train("--model", bad));
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(bad));
    }

    [Test]
    public void HelpStillExitsZeroAndNegativeSeedsAreValues()
    {
        Assert.That(Run("train", "--help").Code, Is.Zero);
        // "-1" is the value of --seed, not an option; the line is refused only for its stray word.
        var (code, _, err) = Run(Train("--seed", "-1", "stray"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("stray").And.Not.Contain("--seed needs"));
    }
}
