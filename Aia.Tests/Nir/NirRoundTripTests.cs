using Aia.Engine.IO.Nir;
using Aia.Engine.Models;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Tests.Support;
using NUnit.Framework;

namespace Aia.Tests.Nir;

/// <summary>Export to NIR, read back, run: the same logits as the engine's folded network.</summary>
[NonParallelizable]
public sealed class NirRoundTripTests
{
    private static Device D => TestDevice.Cpu;
    private string dir = "";

    [SetUp]
    public void SetUp()
    {
        D.Arena.Reset();
        dir = Directory.CreateTempSubdirectory("aia-nir-").FullName;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    [TestCase("small", "lif")]
    [TestCase("small", "if")]
    [TestCase("small", "plif")]
    [TestCase("small", "cached-aia")]
    [TestCase("vggsnn", "lif")]
    [TestCase("vggsnn", "if")]
    [TestCase("vggsnn", "plif")]
    [TestCase("vggsnn", "cached-aia")]
    public void ExportThenImportGivesTheFoldedNetworksLogits(string spec, string neuron)
    {
        var (_, folded) = NirModels.Create(spec, neuron);
        string path = Path.Combine(dir, "model.nir");
        NirFile.Write(path, NirExport.Graph(folded));
        var imported = NirImport.Load(D, path);
        Assert.That(imported.InputShape, Is.EqualTo(new long[] { 2, NirModels.Size, NirModels.Size }));
        Assert.That(imported.OutputShape, Is.EqualTo(new long[] { NirModels.Classes }));
        Assert.That(imported.ParameterCount(), Is.EqualTo(folded.ParameterCount() - (neuron == "plif" ? folded.SpikingLayers().Count() : 0)),
            "the same weights (PLIF's decay becomes a constant of the LIF layer)");

        using var _ = D.Tape.NoGrad();
        var x = NirModels.Input(timesteps: 3, batch: 2);
        var expected = Time.MeanOverTime(folded.Forward(x)).ToArray();
        var actual = Time.MeanOverTime(imported.Forward(x)).ToArray();
        var c = Engine.Autodiff.GradCheck.Compare(actual, expected, 1e-6, 0);
        Assert.That(c.Passed, c.ToString());
        Assert.That(expected.Distinct().Count(), Is.GreaterThan(1), "the logits depend on the input");

        var spikesFolded = folded.SpikingLayers().Select(l => l.Neuron.Statistics.Read().Total).ToArray();
        var spikesImported = imported.Modules().Where(m => m.Module is SpikingNeuron)
            .Select(m => ((SpikingNeuron)m.Module).Statistics.Read().Total).ToArray();
        Assert.That(spikesImported, Is.EqualTo(spikesFolded), "every layer fires the same number of spikes");
        Assert.That(spikesFolded, Has.All.GreaterThan(0), "every layer fires, so the logits depend on every layer's spikes");
    }

    [Test]
    public void DecaysAndThresholdsComeBackAsTheyWere()
    {
        var (_, folded) = NirModels.Create("small", "plif");
        string path = Path.Combine(dir, "plif.nir");
        NirFile.Write(path, NirExport.Graph(folded));
        var imported = NirImport.Load(D, path);
        var lifs = imported.Modules().Select(m => m.Module).OfType<LifNeuron>().ToList();
        var plifs = folded.SpikingLayers().Select(l => (PlifNeuron)l.Neuron).ToList();
        Assert.That(lifs, Has.Count.EqualTo(plifs.Count));
        for (int i = 0; i < lifs.Count; i++)
        {
            Assert.That(lifs[i].Options.Decay, Is.EqualTo(plifs[i].ReadDecay()).Within(1e-7), $"layer {i}: lambda = sigmoid(w) to float precision");
            Assert.That(lifs[i].Options.Threshold, Is.EqualTo(plifs[i].Options.Threshold), $"layer {i}: Vth");
        }
    }
}
