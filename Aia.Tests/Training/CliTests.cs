using Aia.Cli;
using NUnit.Framework;

namespace Aia.Tests.Training;

/// <summary>The command line: bad input gives usage help and exit code 2; help exits 0.</summary>
[NonParallelizable]
public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Support.Cli.Run(args);

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

    [TestCase("--size", "12x", "--size")]
    [TestCase("--augment", "mirror", "--augment")]
    [TestCase("--split-rule", "random", "--split-rule")]
    [TestCase("--recipe", "sota", "--recipe")]
    public void BadNewOptionValuesNameTheOptionAndExit2(string option, string value, string named) =>
        BadOptionValuesNameTheOptionAndExit2(option, value, named);

    [Test]
    public void RecipeTetSetsTetsSettingsAndExplicitOptionsOverrideIt()
    {
        var c = new Aia.Cli.Commands.TrainOptions { Dataset = "CIFAR10DVS", Recipe = "tet" }.ToConfig();
        Assert.That((c.Dataset, c.Model, c.Size, c.TimeSteps, c.Surrogate, c.Loss, c.Augmentation, c.Optimizer, c.LearningRate, c.Schedule, c.Recipe),
            Is.EqualTo(("cifar10-dvs", "vggsnn", 48, 10, "triangle", "tet", "flip-roll", "adam", 1e-3, "cosine", "tet")));
        Assert.That(Aia.Engine.Training.Recipes.Describe(c), Does.Contain("48x48").And.Contain("triangle").And.Contain("loss tet").And.Contain("flip-roll"));
        var o = new Aia.Cli.Commands.TrainOptions { Dataset = "cifar10-dvs", Recipe = "tet", Size = "64", TimeSteps = 16 }.ToConfig();
        Assert.That((o.Size, o.TimeSteps, o.Model), Is.EqualTo((64, 16, "vggsnn")));
    }

    [Test]
    public void DatasetDefaultsFollowTheDatasetAndSizesParse()
    {
        var n = new Aia.Cli.Commands.TrainOptions { Dataset = "nmnist" }.ToConfig();
        Assert.That((n.Dataset, n.TimeSteps, n.Size, n.ValidationFraction, n.SplitRule), Is.EqualTo(("n-mnist", 6, 0, 0.1, "seeded")));
        Assert.That((n.Epochs, n.LearningRate), Is.EqualTo((20, 2e-3)));
        Assert.That(Aia.Engine.Training.Trainer.AugmentationOf(n).Flip, Is.False);
        var r = new Aia.Cli.Commands.TrainOptions { Dataset = "ncars", Size = "100x120" }.ToConfig();
        Assert.That((r.Size, r.Width, r.NativeSize), Is.EqualTo((100, 120, false)));
        var native = new Aia.Cli.Commands.TrainOptions { Dataset = "dvsgesture", Size = "native" }.ToConfig();
        Assert.That((native.Dataset, native.NativeSize), Is.EqualTo(("dvs-gesture", true)));
        Assert.That(new Aia.Cli.Commands.TrainOptions { NoAugment = true }.ToConfig().Augment, Is.False);
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
    public void AMissingDatasetFolderIsNamedAndLeavesNoRunBehind()
    {
        var dir = Directory.CreateTempSubdirectory("aia-cli-").FullName;
        try
        {
            string root = Path.Combine(dir, "no-such-folder"), runs = Path.Combine(dir, "runs");
            var (code, _, err) = Run("train", "--dataset", "cifar10-dvs", "--root", root, "--out", runs, "--device", "cpu", "--quiet");
            Assert.That(code, Is.EqualTo(1));
            Assert.That(err, Does.Contain(root));
            Assert.That(Directory.Exists(runs) ? Directory.GetDirectories(runs) : [], Is.Empty);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
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

/// <summary>The main job end to end through the command line, on a small slice of the bundled data.</summary>
[NonParallelizable]
public sealed class CliEndToEndTests
{
    [Test]
    public void TrainEvalExportAndCompareOnTheBundledData()
    {
        var dir = Directory.CreateTempSubdirectory("aia-e2e-").FullName;
        try
        {
            string cache = Path.Combine(dir, "cache"), runs = Path.Combine(dir, "runs");
            string[] common = ["--limit", "10", "--epochs", "1", "--model", "4,A,8,A", "--cache", cache, "--out", runs, "--device", "cpu", "--quiet"];
            var (code, _, err) = Support.Cli.Run(["train", "--name", "a", "--neuron", "cached-aia", .. common]);
            Assert.That(code, Is.Zero, err);
            (code, _, err) = Support.Cli.Run(["train", "--name", "b", "--neuron", "lif", .. common]);
            Assert.That(code, Is.Zero, err);
            string a = Path.Combine(runs, "a");
            foreach (var f in new[] { "config.json", "train.log", "metrics.csv", "metrics.jsonl", "checkpoints/best.safetensors",
                         "checkpoints/last.json", "plots/loss.png", "plots/spikes.png", "plots/weights.png" })
                Assert.That(File.Exists(Path.Combine(a, f)), f);

            var (evalCode, evalOut, evalErr) = Support.Cli.Run("eval", "--checkpoint", a, "--device", "cpu");
            Assert.That(evalCode, Is.Zero, evalErr);
            Assert.That(evalOut, Does.Contain("accuracy").And.Contain("confusion").And.Contain("features.1"));

            var (exportCode, exportOut, exportErr) = Support.Cli.Run("export", "--checkpoint", a, "--device", "cpu", "--verify-samples", "20");
            Assert.That(exportCode, Is.Zero, exportOut + exportErr);
            Assert.That(exportOut, Does.Contain("predictions agree on 20 of 20"));
            Assert.That(File.Exists(Path.Combine(a, "model.safetensors")));
            var exported = Engine.IO.Safetensors.Read(Path.Combine(a, "model.safetensors"));
            Assert.That(exported.Tensors.Keys, Does.Not.Contain("features.1.beta").And.Contains("features.0.bias"));
            Assert.That(exported.Metadata["aia.neuron"], Is.EqualTo("lif"));

            string report = Path.Combine(dir, "report");
            var (compareCode, compareOut, compareErr) = Support.Cli.Run("compare", "--runs", a, Path.Combine(runs, "b"), "--report", report);
            Assert.That(compareCode, Is.Zero, compareErr);
            Assert.That(compareOut, Does.Contain("| cached-aia |").And.Contain("| lif |"));
            foreach (var f in new[] { "compare.md", "spikes_per_layer.png", "weights.png", "weight_change.png" })
                Assert.That(File.Exists(Path.Combine(report, f)), f);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void CompareStudyTrainsEachNeuronPerSeedReusesFinishedRunsAndReportsPairedDifferences()
    {
        var dir = Directory.CreateTempSubdirectory("aia-study-").FullName;
        try
        {
            string[] common = ["compare", "--neurons", "lif,cached-aia", "--limit", "5", "--epochs", "1", "--model", "4,A", "-T", "2",
                "--cache", Path.Combine(dir, "cache"), "--out", dir, "--study", "s", "--device", "cpu", "--quiet"];
            var (code, output, err) = Support.Cli.Run([.. common, "--seeds", "2"]);
            Assert.That(code, Is.Zero, err);
            string study = Path.Combine(dir, "s");
            foreach (var run in new[] { "lif-seed1", "cached-aia-seed1", "lif-seed2", "cached-aia-seed2" })
                Assert.That(File.Exists(Path.Combine(study, run, "checkpoints", "last.json")), run);

            // a third seed: the four finished runs are reused, two are trained
            (code, output, err) = Support.Cli.Run([.. common, "--seeds", "3"]);
            Assert.That(code, Is.Zero, err);
            Assert.That(output.Split('\n').Count(l => l.Contains("reusing")), Is.EqualTo(4), output);
            Assert.That(output, Does.Contain("training lif-seed3").And.Contain("training cached-aia-seed3"));
            string md = File.ReadAllText(Path.Combine(study, "compare.md"));
            Assert.That(md, Does.Contain("3 seeds (1, 2, 3)").And.Contain("| lif | 3 |").And.Contain("| cached-aia | 3 |"));
            Assert.That(md, Does.Contain("Paired difference").And.Contain("| cached-aia | 3 |").And.Contain(" ± "));
            Assert.That(md, Does.Match(@"\| cached-aia \| 3 \| [+-]\d+\.\d\d \| \[[+-]\d+\.\d\d, [+-]\d+\.\d\d\] \|"));
            foreach (var f in new[] { "compare.md", "spikes_per_layer.png", "weights.png", "weight_change.png" })
                Assert.That(File.Exists(Path.Combine(study, f)), f);

            // the same study with other settings is refused, naming the run and the difference
            (code, _, err) = Support.Cli.Run([.. common, "--seeds", "1", "--lr", "0.01"]);
            Assert.That(code, Is.EqualTo(1));
            Assert.That(err, Does.Contain("lif-seed1").And.Contain("LearningRate"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
