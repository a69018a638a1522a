using Aia.Engine.IO.Nir;
using Aia.Engine.Models;
using Aia.Engine.Training;
using Aia.Tests.Training;
using NUnit.Framework;
using PureHDF;
using Serilog.Core;

namespace Aia.Tests.Nir;

/// <summary>
/// <c>aia export --format nir</c>, <c>aia import</c> and <c>aia eval --nir</c>: the file a checkpoint exports
/// imports and runs; damaged or unsupported files give <c>aia import: FILE: what is wrong</c>, exit 1, no trace.
/// </summary>
[NonParallelizable]
public sealed class NirCliTests
{
    private string dir = "";

    [SetUp]
    public void SetUp()
    {
        Support.TestDevice.Cpu.Arena.Reset();
        dir = Directory.CreateTempSubdirectory("aia-nir-cli-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    [Test]
    public void ACheckpointExportsToNirThatImportsAndRuns()
    {
        var run = RunFolder.Create(dir, "run");
        using (var trainer = Trainer.Start(Support.TestDevice.Cpu, SyntheticData.Config("cached-aia") with { Epochs = 1 }, run, Logger.None, data: SyntheticData.Splits()))
            trainer.Train();
        var (code, output, err) = Support.Cli.Run("export", "--checkpoint", run.Root, "--format", "nir", "--verify-samples", "0", "--device", "cpu");
        Assert.That(code, Is.Zero, err);
        string file = Path.Combine(run.Root, "model.nir");
        Assert.That(output, Does.Contain(file));
        var graph = NirFile.Read(file);
        Assert.That(graph.Metadata["aia.trained_neuron"], Is.EqualTo("cached-aia"));
        Assert.That(graph.Nodes.Select(n => n.Value.Type), Is.EqualTo(new[] { "Input", "Conv2d", "LIF", "AvgPool2d", "Flatten", "Affine", "Output" }));

        (code, output, err) = Support.Cli.Run("import", file, "--device", "cpu", "-T", "3");
        Assert.That(code, Is.Zero, err);
        Assert.That(output, Does.Contain("features_1").And.Contain("LIF(lambda 0.5, Vth 1)").And.Contain("[2 8 8]").And.Contain("output [3, 1, 4]"));
    }

    [Test]
    public void AnUnknownFormatIsAUsageError()
    {
        var (code, _, err) = Support.Cli.Run("export", "--checkpoint", dir, "--format", "onnx");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--format").And.Contain("onnx"));
    }

    [Test]
    public void EvalTakesACheckpointOrANirFileNotBoth()
    {
        Assert.That(Support.Cli.Run("eval", "--device", "cpu").Code, Is.EqualTo(2));
        var (code, _, err) = Support.Cli.Run("eval", "--checkpoint", dir, "--nir", "x.nir", "--device", "cpu");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--nir"));
    }

    [Test]
    public void EvalNeedsTheDatasetOfAForeignFile()
    {
        string file = Path.Combine(dir, "foreign.nir");
        NirFile.Write(file, NirExport.Graph(NirModels.Create("small", "lif").Folded));
        var (code, _, err) = Support.Cli.Run("eval", "--nir", file, "--device", "cpu");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--dataset").And.Contain(file));
    }

    /// <summary>Each damaged or unsupported file, and the words its error must contain.</summary>
    private static IEnumerable<TestCaseData> BadFiles()
    {
        yield return new TestCaseData("junk", "not a readable HDF5 file").SetName("NotHdf5");
        yield return new TestCaseData("truncated", "past the end of the file").SetName("Truncated");
        yield return new TestCaseData("missing", "no such file").SetName("Missing");
        yield return new TestCaseData("no-graph", "no group 'node'").SetName("Hdf5ButNotNir");
        yield return new TestCaseData("array-type", "'type' must be a scalar string").SetName("OneElementTypeArray");
        yield return new TestCaseData("li", "node 'li' (LI): this NIR node type is valid but not supported").SetName("UnsupportedNode");
        yield return new TestCaseData("unknown", "unknown NIR node type").SetName("UnknownNode");
        yield return new TestCaseData("mismatch", "type mismatch: input.output [2 16 16] -> features_0.input [2 12 12]").SetName("ShapeMismatch");
        yield return new TestCaseData("thresholds", "one finite 'v_threshold' for the whole layer").SetName("PerNeuronThresholds");
        yield return new TestCaseData("leak", "'v_leak' must be 0").SetName("LeakPotential");
        yield return new TestCaseData("missing-field", "missing field 'tau'").SetName("MissingField");
        yield return new TestCaseData("branch", "2 outgoing edges").SetName("Branching");
        yield return new TestCaseData("groups", "groups = 2").SetName("GroupedConvolution");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void ABadFileIsNamedWithWhatIsWrong(string kind, string expected)
    {
        string file = Path.Combine(dir, kind + ".nir");
        Make(kind, file);
        var (code, output, err) = Support.Cli.Run("import", file, "--device", "cpu");
        Assert.That(code, Is.EqualTo(1), output + err);
        Assert.That(err, Does.StartWith($"aia import: {file}: ").And.Contain(expected));
        Assert.That(err, Does.Not.Contain("   at "), "no stack trace");
        if (kind != "missing")
        {
            (code, _, err) = Support.Cli.Run("eval", "--nir", file, "--dataset", "fashion-mnist-dvs", "--device", "cpu");
            Assert.That(code, Is.EqualTo(1));
            Assert.That(err, Does.StartWith($"aia eval: {file}: ").And.Contain(expected));
        }
    }

    private static void Make(string kind, string file)
    {
        var good = NirExport.Graph(NirModels.Create("small", "lif").Folded);
        NirGraph With(string name, NirNode node) =>
            good with { Nodes = good.Nodes.Select(n => n.Key == name ? KeyValuePair.Create(name, node) : n).ToList() };
        var lif = (NirLif)good["features_1"];
        var conv = (NirConv2d)good["features_0"];
        switch (kind)
        {
            case "junk":
                File.WriteAllBytes(file, Enumerable.Range(0, 3000).Select(i => (byte)(i * 7919 % 251)).ToArray());
                break;
            case "truncated":
                NirFile.Write(file, good);
                File.WriteAllBytes(file, File.ReadAllBytes(file)[..4000]);
                break;
            case "missing":
                break;
            case "no-graph":
                new H5File { ["weights"] = new float[] { 1, 2 } }.Write(file);
                break;
            case "array-type":
                Tiny(file, new H5Group { ["type"] = new[] { "Input" }, ["shape"] = new long[] { 3 } });
                break;
            case "li":
                Tiny(file, new H5Group { ["type"] = "LI", ["tau"] = new float[] { 1, 1, 1 }, ["r"] = new float[] { 1, 1, 1 }, ["v_leak"] = new float[3] }, "li");
                break;
            case "unknown":
                Tiny(file, new H5Group { ["type"] = "Frobnicate" }, "li");
                break;
            case "mismatch":
                NirFile.Write(file, With("features_0", conv with { InputShape = [12, 12] }));
                break;
            case "thresholds":
                var t = (float[])lif.VThreshold.Data.Clone();
                t[5] = 2f;
                NirFile.Write(file, With("features_1", lif with { VThreshold = lif.VThreshold with { Data = t } }));
                break;
            case "leak":
                NirFile.Write(file, With("features_1", lif with { VLeak = NirArray.Filled(lif.VLeak.Shape, 0.1f) }));
                break;
            case "missing-field":
                Tiny(file, new H5Group { ["type"] = "LIF", ["r"] = new float[] { 1, 1, 1 }, ["v_leak"] = new float[3], ["v_threshold"] = new float[] { 1, 1, 1 } }, "lif");
                break;
            case "branch":
                NirFile.Write(file, good with { Edges = [.. good.Edges, ("input", "features_3")] });
                break;
            case "groups":
                NirFile.Write(file, With("features_0", conv with { Groups = 2 }));
                break;
        }
    }

    /// <summary>input [3] -> NAME -> output [3], with the node group given as is.</summary>
    private static void Tiny(string file, H5Group node, string? name = null)
    {
        var nodes = new H5Group { ["output"] = new H5Group { ["type"] = "Output", ["shape"] = new long[] { 3 } } };
        string[,] edges;
        if (name is null)
        {
            nodes["input"] = node;
            edges = new[,] { { "input", "output" } };
        }
        else
        {
            nodes["input"] = new H5Group { ["type"] = "Input", ["shape"] = new long[] { 3 } };
            nodes[name] = node;
            edges = new[,] { { "input", name }, { name, "output" } };
        }
        new H5File { ["version"] = NirFile.Version, ["node"] = new H5Group { ["type"] = "NIRGraph", ["nodes"] = nodes, ["edges"] = edges } }.Write(file);
    }
}
