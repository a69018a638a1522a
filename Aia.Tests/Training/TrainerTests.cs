using Aia.Engine.IO;
using Aia.Engine.Models;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using Aia.Tests.Support;
using NUnit.Framework;
using Serilog;
using Serilog.Core;

namespace Aia.Tests.Training;

public sealed class TrainerTests
{
    private static Device D => TestDevice.Cpu;
    private static readonly ILogger Log = Logger.None;
    private string dir = "";

    [SetUp]
    public void MakeFolder() => dir = Directory.CreateTempSubdirectory("aia-train-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    private RunFolder NewRun(string name) => RunFolder.Create(dir, name);

    [TestCase("lif")]
    [TestCase("cached-aia")]
    [TestCase("aia")]
    [TestCase("plif")]
    public void LossDecreasesAndAccuracyBeatsChance(string neuron)
    {
        var run = NewRun(neuron);
        using (var trainer = Trainer.Start(D, SyntheticData.Config(neuron), run, Log, data: SyntheticData.Splits()))
            Assert.That(trainer.Train(), Is.True);
        var rows = MetricsLog.Load(Path.Combine(run.Root, "metrics.jsonl"));
        Assert.That(rows, Has.Count.EqualTo(3));
        Assert.That(rows[^1].TrainLoss, Is.LessThan(rows[0].TrainLoss), "training loss decreases");
        Assert.That(rows[^1].TestAccuracy, Is.GreaterThan(0.6), "4 classes: chance is 0.25");
        Assert.That(rows[^1].SpikesPerSample.Keys, Is.EqualTo(new[] { "features.1" }));
        Assert.That(rows[^1].SpikesPerSample["features.1"], Is.GreaterThan(0));
        foreach (var f in new[] { run.Last, run.Best, run.Initial, run.Config, Path.Combine(run.Root, "metrics.csv"),
                     Path.Combine(run.Plots, "loss.png"), Path.Combine(run.Plots, "accuracy.png"), Path.Combine(run.Plots, "spikes.png"), Path.Combine(run.Plots, "weights.png"),
                     Path.Combine(run.Plots, "firing_rate.png") })
            Assert.That(File.Exists(f), f);
    }

    [Test]
    public void TheTestSplitNeverSelectsTheBestCheckpoint()
    {
        // The same training split with two different test splits (the second with its labels scrambled): the
        // validation hold-out selects, so the best checkpoints and epochs are identical bit for bit.
        var config = SyntheticData.Config() with { ValidationFraction = 0.25, Epochs = 4 };
        var real = NewRun("real-test");
        var scrambled = NewRun("scrambled-test");
        using (var trainer = Trainer.Start(D, config, real, Log, data: SyntheticData.Splits()))
        {
            Assert.That(trainer.ValidationSplit!.Count, Is.EqualTo(12), "a quarter of each class of the 48 training samples");
            Assert.That(Enumerable.Range(0, 12).Select(trainer.ValidationSplit.Label).Distinct().Count(), Is.EqualTo(4), "stratified");
            Assert.That(trainer.TrainSplit.Count, Is.EqualTo(36));
            trainer.Train();
        }
        var test = SyntheticData.Dataset(6, 3, 12);
        var wrong = new ArrayFrameSetWithLabels(test, i => (test.Label(i) + 1 + i % 3) % 4);
        using (var trainer = Trainer.Start(D, config, scrambled, Log, data: new TrainingData(SyntheticData.Dataset(12, 3, 11), wrong)))
            trainer.Train();
        var (a, stateA) = Checkpoint.Load(real.Best);
        var (b, stateB) = Checkpoint.Load(scrambled.Best);
        Assert.That(stateB.BestEpoch, Is.EqualTo(stateA.BestEpoch));
        foreach (var name in a.Keys)
            Assert.That(b[name].Data, Is.EqualTo(a[name].Data), name);
        var rows = MetricsLog.Load(Path.Combine(real.Root, "metrics.jsonl"));
        var other = MetricsLog.Load(Path.Combine(scrambled.Root, "metrics.jsonl"));
        Assert.That(rows.Select(r => r.TestAccuracy), Is.Not.EqualTo(other.Select(r => r.TestAccuracy)), "the test splits did differ");
        int byValidation = rows.Select((r, i) => (r.ValAccuracy, i)).Aggregate((x, y) => y.ValAccuracy > x.ValAccuracy ? y : x).i + 1;
        Assert.That(stateA.BestEpoch, Is.EqualTo(byValidation), "the first epoch with the highest validation accuracy");
    }

    [Test]
    public void NdaWithCutMixTrainsAndResumesExactly()
    {
        var config = SyntheticData.Config() with { Augment = true, Augmentation = "nda", Epochs = 2 };
        var whole = NewRun("nda-whole");
        using (var trainer = Trainer.Start(D, config, whole, Log, data: SyntheticData.Splits()))
        {
            Assert.That(trainer.Augmentation.CutMixProbability, Is.GreaterThan(0));
            trainer.Train();
        }
        var rows = MetricsLog.Load(Path.Combine(whole.Root, "metrics.jsonl"));
        Assert.That(rows.All(r => double.IsFinite(r.TrainLoss)), Is.True);
        var parts = NewRun("nda-parts");
        using var cancel = new CancellationTokenSource();
        using (var trainer = Trainer.Start(D, config, parts, Log, new StopAt(2, 4, cancel), SyntheticData.Splits()))
            trainer.Train(cancel.Token);
        using (var trainer = Trainer.Resume(D, parts, Log, data: SyntheticData.Splits()))
            trainer.Train();
        Assert.That(Checkpoint.Load(parts.Last).Tensors["classifier.weight"].Data, Is.EqualTo(Checkpoint.Load(whole.Last).Tensors["classifier.weight"].Data));
    }

    [Test]
    public void WithoutAHoldOutTheLastEpochIsKept()
    {
        var run = NewRun("no-holdout");
        using (var trainer = Trainer.Start(D, SyntheticData.Config() with { ValidationFraction = 0 }, run, Log, data: SyntheticData.Splits()))
        {
            Assert.That(trainer.ValidationSplit, Is.Null);
            trainer.Train();
        }
        Assert.That(Checkpoint.Load(run.Best).State.BestEpoch, Is.EqualTo(3));
        Assert.That(Checkpoint.Load(run.Best).Tensors["classifier.weight"].Data, Is.EqualTo(Checkpoint.Load(run.Last).Tensors["classifier.weight"].Data));
    }

    /// <summary>A dataset with the frames of another and labels from a function.</summary>
    private sealed class ArrayFrameSetWithLabels(Aia.Engine.Data.FrameDataset source, Func<int, int> label) : Aia.Engine.Data.FrameDataset
    {
        public override int Count => source.Count;
        public override IReadOnlyList<string> ClassNames => source.ClassNames;
        public override int[] FrameShape => source.FrameShape;
        public override int Label(int index) => label(index);
        public override void CopyFrames(int index, Span<float> destination) => source.CopyFrames(index, destination);
    }

    [Test]
    public void ResumingAnInterruptedRunEqualsTheUninterruptedRun()
    {
        var whole = NewRun("whole");
        using (var trainer = Trainer.Start(D, SyntheticData.Config(), whole, Log, data: SyntheticData.Splits()))
            trainer.Train();

        // Stop in the middle of epoch 2 (after batch 4 of 6), then resume.
        var parts = NewRun("parts");
        using var cancel = new CancellationTokenSource();
        var stopper = new StopAt(2, 4, cancel);
        using (var trainer = Trainer.Start(D, SyntheticData.Config(), parts, Log, stopper, SyntheticData.Splits()))
            Assert.That(trainer.Train(cancel.Token), Is.False, "interrupted");
        Assert.That(Checkpoint.Load(parts.Last).State.BatchInEpoch, Is.EqualTo(4));
        using (var trainer = Trainer.Resume(D, parts, Log, data: SyntheticData.Splits()))
            Assert.That(trainer.Train(), Is.True);

        var a = MetricsLog.Load(Path.Combine(whole.Root, "metrics.jsonl"));
        var b = MetricsLog.Load(Path.Combine(parts.Root, "metrics.jsonl"));
        Assert.That(b.Select(r => r.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.That(b[i].TrainLoss, Is.EqualTo(a[i].TrainLoss), $"epoch {i + 1} train loss");
            Assert.That(b[i].TrainAccuracy, Is.EqualTo(a[i].TrainAccuracy), $"epoch {i + 1} train accuracy");
            Assert.That(b[i].TestLoss, Is.EqualTo(a[i].TestLoss), $"epoch {i + 1} test loss");
            Assert.That(b[i].SpikesPerSample, Is.EqualTo(a[i].SpikesPerSample), $"epoch {i + 1} spikes");
            Assert.That(b[i].Step, Is.EqualTo(a[i].Step));
        }
        var wa = Safetensors.Read(whole.Last).Tensors;
        var wb = Safetensors.Read(parts.Last).Tensors;
        Assert.That(wb.Keys, Is.EquivalentTo(wa.Keys));
        foreach (var (name, t) in wa)
            Assert.That(wb[name].Data, Is.EqualTo(t.Data), $"{name} bit for bit");
    }

    [Test]
    public void ANaNLossStopsWithAClearMessageAndKeepsTheLastCheckpoint()
    {
        var run = NewRun("nan");
        using (var trainer = Trainer.Start(D, SyntheticData.Config() with { Epochs = 1 }, run, Log, data: SyntheticData.Splits()))
            trainer.Train();
        // Poison one classifier bias: every logit row becomes NaN, so the loss does.
        var (tensors, metadata) = Safetensors.Read(run.Last);
        tensors["classifier.bias"].Data[0] = float.NaN;
        Safetensors.Write(run.Last, tensors.Values, metadata);
        var before = File.ReadAllBytes(run.Last);
        using var resumed = Trainer.Resume(D, run, Log, epochs: 2, data: SyntheticData.Splits());
        var e = Assert.Throws<TrainingDivergedException>(() => resumed.Train());
        Assert.That(e!.Message, Does.Contain("NaN").And.Contain("epoch 2").And.Contain(run.Last));
        Assert.That(File.ReadAllBytes(run.Last), Is.EqualTo(before), "the last checkpoint is not overwritten");
    }

    [TestCase("cached-aia")]
    [TestCase("plif")]
    [TestCase("lif")]
    public void FoldingKeepsTheLogitsAndTheLifParameterCount(string neuron)
    {
        var run = NewRun("fold-" + neuron);
        var config = SyntheticData.Config(neuron) with { Model = "6,A,8", Epochs = 2 };
        using var trainer = Trainer.Start(D, config, run, Log, data: SyntheticData.Splits());
        trainer.Train();
        var model = trainer.Model;
        model.Eval();
        var folded = Folding.Fold(model, D, Trainer.NeuronOptionsOf(config));
        var lif = SpikingNetwork.Create(D, model.Spec, NeuronKind.Lif, Trainer.NeuronOptionsOf(config), 2, 8, 8, 4, 1, folded: true);
        Assert.That(folded.ParameterCount(), Is.EqualTo(lif.ParameterCount() + (neuron == "plif" ? 2 : 0)),
            "the folded network has the LIF network's parameters (PLIF keeps its one decay per layer)");
        var test = SyntheticData.Dataset(4, 3, 99);
        using var _ = D.Tape.NoGrad();
        for (int i = 0; i < test.Count; i++)
        {
            D.Arena.Reset();
            var x = Tensor.FromArray(D, new Shape(3, 1, 2, 8, 8), test.Get(i).Frames);
            var a = Time.MeanOverTime(model.Forward(x)).ToArray();
            var b = Time.MeanOverTime(folded.Forward(x)).ToArray();
            var c = Engine.Autodiff.GradCheck.Compare(b, a, 1e-5, 0);
            Assert.That(c.Passed, $"sample {i}: {c}");
        }
    }

    [Test]
    public void ACheckpointRebuildsTheSameNetwork()
    {
        var run = NewRun("reload");
        using var trainer = Trainer.Start(D, SyntheticData.Config() with { Epochs = 1 }, run, Log, data: SyntheticData.Splits());
        trainer.Train();
        var (model, state) = TrainedModel.Load(D, run.Last);
        Assert.That(state.Epoch, Is.EqualTo(1));
        Assert.That(state.ClassNames, Has.Length.EqualTo(4));
        var expected = trainer.Model.StateDict().ToDictionary(p => p.Name, p => p.Tensor.ToArray());
        foreach (var (name, t) in model.StateDict())
            Assert.That(t.ToArray(), Is.EqualTo(expected[name]), name);
    }

    [Test]
    public void ARunFolderIsNotOverwritten()
    {
        var run = NewRun("once");
        using (var trainer = Trainer.Start(D, SyntheticData.Config() with { Epochs = 1 }, run, Log, data: SyntheticData.Splits()))
            trainer.Train();
        var e = Assert.Throws<Engine.IO.RunFolderException>(() => RunFolder.Create(dir, "once"));
        Assert.That(e!.Message, Does.Contain("--resume"));
    }

    private sealed class StopAt(int epoch, int batch, CancellationTokenSource cancel) : ITrainingObserver
    {
        public void Progress(int e, int b, int batches, double loss, double accuracy, double samplesPerSecond)
        {
            if (e == epoch && b == batch)
                cancel.Cancel();
        }
    }
}
