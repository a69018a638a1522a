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
            // u += (x - u) k with k = 1/tau = sigmoid(w) is u' = (1 - k) u' + x on u' = u / k, firing at Vth / k.
            float k = plifs[i].ReadInverseTau();
            Assert.That(lifs[i].Options.Decay, Is.EqualTo(1 - k).Within(1e-7), $"layer {i}: lambda = 1 - sigmoid(w) to float precision");
            Assert.That(lifs[i].Options.Threshold, Is.EqualTo(plifs[i].Options.Threshold / k).Within(1e-6), $"layer {i}: Vth / sigmoid(w)");
        }
    }
    [Test]
    public void TheEvaluatorScoresAnImportedNetworkLikeTheFoldedOne()
    {
        var (_, folded) = NirModels.Create("small", "cached-aia");
        string path = Path.Combine(dir, "eval.nir");
        NirFile.Write(path, NirExport.Graph(folded));
        var imported = NirImport.Load(D, path);
        const int samples = 6, steps = 3;
        var x = NirModels.Input(steps, samples).ToArray(); // [T, N, ...] -> per-sample [T, ...] below
        int perStep = 2 * NirModels.Size * NirModels.Size;
        var frames = new float[samples * steps * perStep];
        for (int n = 0; n < samples; n++)
            for (int t = 0; t < steps; t++)
                Array.Copy(x, (t * samples + n) * perStep, frames, (n * steps + t) * perStep, perStep);
        var data = new Engine.Data.ArrayFrameDataset(frames, Enumerable.Range(0, samples).Select(i => i % NirModels.Classes).ToArray(),
            [steps, 2, NirModels.Size, NirModels.Size], Enumerable.Range(0, NirModels.Classes).Select(i => $"c{i}").ToArray());
        var a = Engine.Training.Evaluator.Evaluate(D, folded, data, batchSize: 4);
        var b = Engine.Training.Evaluator.Evaluate(D, imported, data, batchSize: 4);
        Assert.That(b.Loss, Is.EqualTo(a.Loss).Within(1e-6));
        Assert.That(b.Confusion, Is.EqualTo(a.Confusion));
        Assert.That(b.SpikesPerSample.Values, Is.EqualTo(a.SpikesPerSample.Values), "spikes per layer");
        Assert.That(b.SpikesPerSample.Keys, Is.EqualTo(new[] { "features_1", "features_4" }), "named after the NIR nodes");
    }

    [Test]
    public void MaxPoolingHasNoNirNodeAndIsRefusedByName()
    {
        var model = SpikingNetwork.Create(D, ModelSpec.Parse("4,M"), NeuronKind.Lif, new NeuronOptions(), 2, 8, 8, 3, 1);
        var folded = Folding.Fold(model, D, new NeuronOptions());
        var e = Assert.Throws<ArgumentException>(() => NirExport.Graph(folded));
        Assert.That(e!.Message, Does.Contain("max pooling").And.Contain("features_2"));
    }
}
