using NUnit.Framework;

namespace Aia.Tests.Training;

/// <summary>
/// A failed command never deletes or changes what it did not create: the <c>--out</c> folder, earlier runs, an
/// existing folder given as <c>--name</c>, or the folders around a file given to <c>--resume</c> or <c>compare --runs</c>.
/// </summary>
[NonParallelizable]
public sealed class RunFolderSafetyTests
{
    private string dir = "";
    private string runs = "";
    private string earlier = "";

    [SetUp]
    public void CreateOutFolderWithAnEarlierRun()
    {
        dir = Directory.CreateTempSubdirectory("aia-runs-").FullName;
        runs = Path.Combine(dir, "runs");
        earlier = Path.Combine(runs, "earlier", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(earlier)!);
        File.WriteAllText(earlier, "an earlier run");
    }

    [TearDown]
    public void Remove() => Directory.Delete(dir, recursive: true);

    /// <summary>A training that fails after the run folder exists (the dataset folder is missing).</summary>
    private (int Code, string Err) FailingTrain(params string[] extra)
    {
        var (code, _, err) = Support.Cli.Run(["train", "--dataset", "cifar10-dvs", "--root", Path.Combine(dir, "missing"),
            "--out", runs, "--device", "cpu", "--quiet", .. extra]);
        return (code, err);
    }

    private string[] Everything() =>
        Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(dir, p)).Order().ToArray();

    [TestCase(".")]
    [TestCase("..")]
    [TestCase("")]
    [TestCase("a/b")]
    [TestCase("../escape")]
    public void ARunNameThatIsNotOneFolderNameIsAUsageErrorAndTouchesNothing(string name)
    {
        var before = Everything();
        var (code, err) = FailingTrain("--name", name);
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("--name"));
        Assert.That(Everything(), Is.EqualTo(before));
    }

    [Test]
    public void AnAbsoluteRunNameIsAUsageError()
    {
        string elsewhere = Path.Combine(dir, "elsewhere");
        var (code, err) = FailingTrain("--name", elsewhere);
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(Directory.Exists(elsewhere), Is.False);
        Assert.That(File.Exists(earlier));
    }

    [Test]
    public void AnExistingFolderWithTheUsersFilesIsRefusedAndKept()
    {
        var before = Everything();
        var (code, err) = FailingTrain("--name", "earlier");
        Assert.That(code, Is.EqualTo(1), err);
        Assert.That(err, Does.Contain(Path.Combine(runs, "earlier")));
        Assert.That(Everything(), Is.EqualTo(before));
    }

    [Test]
    public void AnEmptyFolderGivenAsTheRunIsKeptWhenTheRunFails()
    {
        string empty = Path.Combine(runs, "empty");
        Directory.CreateDirectory(empty);
        var (code, err) = FailingTrain("--name", "empty");
        Assert.That(code, Is.EqualTo(1), err);
        Assert.That(Directory.Exists(empty), "the folder existed before; it is not the run's to delete");
        Assert.That(Directory.GetFileSystemEntries(empty), Is.Empty, "what the run wrote into it is removed");
        Assert.That(File.Exists(earlier));
    }

    [Test]
    public void AFolderTheRunCreatedIsRemovedWhenItFails()
    {
        var (code, err) = FailingTrain("--name", "fresh");
        Assert.That(code, Is.EqualTo(1), err);
        Assert.That(Directory.Exists(Path.Combine(runs, "fresh")), Is.False);
        Assert.That(File.Exists(earlier));
    }

    [Test]
    public void ResumingFromAFileOutsideARunCreatesNothing()
    {
        var before = Everything();
        var (code, _, err) = Support.Cli.Run("train", "--resume", earlier, "--device", "cpu", "--quiet");
        Assert.That(code, Is.EqualTo(1), err);
        Assert.That(err, Does.Contain("notes.txt").Or.Contain(Path.Combine(runs, "earlier")));
        Assert.That(Everything(), Is.EqualTo(before));
    }

    [Test]
    public void ComparingFoldersThatAreNotRunsCreatesNothing()
    {
        var before = Everything();
        var (code, _, err) = Support.Cli.Run("compare", "--runs", Path.Combine(runs, "earlier"), earlier, "--report", Path.Combine(dir, "report"));
        Assert.That(code, Is.EqualTo(1), err);
        Assert.That(Everything(), Is.EqualTo(before));
    }

    [Test]
    public void TemporaryFilesOfAKilledWriteAreReportedNotDeleted()
    {
        var run = Engine.Training.RunFolder.Create(runs, "killed");
        string stale = run.Last + ".tmp-" + int.MaxValue, mine = run.Last + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(stale, "half");
        File.WriteAllText(mine, "in progress");
        Assert.That(run.StaleTemporaryFiles(), Is.EqualTo(new[] { stale }));
        Assert.That(File.Exists(stale));
    }
}
