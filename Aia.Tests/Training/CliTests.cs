using Aia.Cli;
using NUnit.Framework;

namespace Aia.Tests.Training;

/// <summary>The command line: bad input gives usage help and exit code 2; help exits 0.</summary>
[NonParallelizable]
public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            return (Program.Run(args), o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    [TestCase("frobnicate")]
    [TestCase("train", "--no-such-option")]
    [TestCase("train", "--epochs", "many")]
    [TestCase("eval")]
    public void UnparsableInputPrintsUsageAndExits2(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("ERROR").Or.Contain("USAGE").Or.Contain("--"));
    }

    [TestCase("--neuron", "sparkly", "--neuron")]
    [TestCase("--model", "64,Q", "--model")]
    [TestCase("--device", "tpu", "--device")]
    [TestCase("--dataset", "imagenet", "--dataset")]
    [TestCase("--batch", "0", "--batch")]
    [TestCase("--surrogate", "magic", "--surrogate")]
    public void BadOptionValuesNameTheOptionAndExit2(string option, string value, string named)
    {
        var (code, _, err) = Run("train", option, value, "--out", Path.GetTempPath());
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain(named).And.Contain(value));
    }

    [Test]
    public void HelpListsTheVerbsAndExits0()
    {
        var (code, output, _) = Run("--help");
        Assert.That(code, Is.Zero);
        foreach (var verb in new[] { "train", "eval", "export", "compare", "devices", "verify", "data-inspect" })
            Assert.That(output, Does.Contain(verb));
    }

    [Test]
    public void MissingCheckpointIsAClearFailure()
    {
        var (code, _, err) = Run("eval", "--checkpoint", "/no/such/run/best.safetensors", "--device", "cpu");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Contain("/no/such/run/best.safetensors"));
    }

    [Test]
    public void ResumingAFolderWithoutACheckpointFails()
    {
        var dir = Directory.CreateTempSubdirectory("aia-cli-").FullName;
        try
        {
            var (code, _, err) = Run("train", "--resume", dir, "--device", "cpu");
            Assert.That(code, Is.EqualTo(1));
            Assert.That(err, Does.Contain(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
