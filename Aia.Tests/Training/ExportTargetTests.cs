using Aia.Cli.Commands;
using Aia.Engine.IO;
using NUnit.Framework;

namespace Aia.Tests.Training;

/// <summary>Where <c>aia export</c> writes, and that it never replaces a file it did not write.</summary>
public sealed class ExportTargetTests
{
    private string dir = "";

    [SetUp]
    public void MakeFolder() => dir = Directory.CreateTempSubdirectory("aia-export-target-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    [Test]
    public void ARunsCheckpointExportsIntoTheRunFolderAndAnyOtherNextToItself()
    {
        string inRun = Path.Combine(dir, "run", "checkpoints", "best.safetensors");
        Assert.That(ExportCommand.Target(inRun, "nir", null), Is.EqualTo(Path.Combine(dir, "run", "model.nir")));
        string loose = Path.Combine(dir, "downloads", "best.safetensors");
        Assert.That(ExportCommand.Target(loose, "safetensors", null), Is.EqualTo(Path.Combine(dir, "downloads", "model.safetensors")));
        Assert.That(ExportCommand.Target("/best.safetensors", "safetensors", null), Is.EqualTo("/model.safetensors"));
    }

    [Test]
    public void AFileTheUserWroteIsRefusedAndKeptAnEarlierExportIsReplaced()
    {
        string checkpoint = Path.Combine(dir, "best.safetensors");
        string mine = Path.Combine(dir, "model.safetensors");
        File.WriteAllText(mine, "my notes");
        var e = Assert.Throws<IOException>(() => ExportCommand.Target(checkpoint, "safetensors", null));
        Assert.That(e!.Message, Does.StartWith(mine + ": exists and was not written by aia export"));
        Assert.That(File.ReadAllText(mine), Is.EqualTo("my notes"));

        Safetensors.Write(mine, [new HostTensor("w", [1], [1f])], new Dictionary<string, string> { ["aia.model"] = "4,A" });
        Assert.That(ExportCommand.Target(checkpoint, "safetensors", null), Is.EqualTo(mine));
        Safetensors.Write(mine, [new HostTensor("w", [1], [1f])], new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Throws<IOException>(() => ExportCommand.Target(checkpoint, "safetensors", mine));
        Assert.That(Assert.Throws<IOException>(() => ExportCommand.Target(checkpoint, "safetensors", checkpoint))!.Message, Does.Contain("the checkpoint itself"));
        Assert.That(Assert.Throws<IOException>(() => ExportCommand.Target(checkpoint, "nir", dir))!.Message, Does.Contain("is a folder"));
    }
}
