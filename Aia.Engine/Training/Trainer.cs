using System.Diagnostics;
using Aia.Engine.Data;
using Aia.Engine.IO;
using Aia.Engine.Models;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Engine.Runtime.Upload;
using ILGPU;
using ILGPU.Runtime;
using Device = Aia.Engine.Runtime.Device;
using Serilog;

namespace Aia.Engine.Training;

/// <summary>
/// BPTT training of a <see cref="SpikingNetwork"/>, the whole loop in this file: the data, the step
/// (forward over all time steps, mean-over-time cross entropy, tape backward, optimizer), the device-side running
/// metrics read once per log interval, evaluation, checkpoints, metrics and plots. Everything random derives from
/// the seed, the epoch and the step, and every kernel is deterministic, so a run resumed from a checkpoint
/// continues bit for bit like the uninterrupted run.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly Device device;
    private readonly RunFolder run;
    private readonly ILogger log;
    private readonly ITrainingObserver observer;
    private readonly TrainingData data;
    private readonly FrameDataset train;
    private readonly FrameDataset? validation;
    private readonly DataLoader loader;
    private readonly Optimizer optimizer;
    private readonly LrSchedule schedule;
    private readonly MetricsLog metrics;
    private readonly Tensor lossSum;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> correct;
    private InputRing? ring;
    private TrainingState state;

    private Trainer(Device device, TrainingState state, RunFolder run, ILogger log, ITrainingObserver? observer, TrainingData? splits)
    {
        this.device = device;
        this.state = state;
        this.run = run;
        this.log = log;
        this.observer = observer ?? new NullObserver();
        var c = state.Config;

        data = splits ?? TrainingData.Open(c, (split, done, total) => this.observer.Evaluating($"preparing {split}", done, total));
        train = data.Train;
        if (c.ValidationFraction > 0)
            (train, validation) = SubsetDataset.Split(data.Train, c.ValidationFraction, (ulong)c.SplitSeed);
        if (train.Count == 0 || validation is { Count: 0 })
            throw new ArgumentException($"The training split of {data.Train.Count} samples leaves {train.Count} to train on and {validation?.Count ?? 0} to validate with at --val-fraction {c.ValidationFraction}.");
        Augmentation = AugmentationOf(c);
        var frame = train.FrameShape; // [T, 2, H, W]
        Model = SpikingNetwork.Create(device, ModelSpec.Parse(c.Model), NeuronKinds.Parse(c.Neuron), NeuronOptionsOf(c),
            frame[1], frame[2], frame[3], train.Classes, c.Seed);
        Model.Memory = MemoryModes.Parse(c.Memory);
        loader = new DataLoader(train, c.BatchSize, (ulong)c.Seed, shuffle: true,
            augment: Augmentation, dropLast: train.Count >= c.BatchSize);
        optimizer = CreateOptimizer(device, c, Model);
        long totalSteps = (long)c.Epochs * loader.BatchesPerEpoch;
        schedule = CreateSchedule(c, totalSteps).WithWarmup((long)c.WarmupEpochs * loader.BatchesPerEpoch);
        metrics = new MetricsLog(run.Root);
        lossSum = Tensor.Persistent(device, new Shape(1), "running loss");
        correct = device.Accelerator.Allocate1D<int>(1);
    }

    /// <summary>The augmentation of the training batches.</summary>
    public AugmentOptions Augmentation { get; }

    /// <summary>The samples trained on (the training split less the validation hold-out).</summary>
    public FrameDataset TrainSplit => train;

    /// <summary>The validation hold-out that selects the best checkpoint, or null (<c>--val-fraction 0</c>).</summary>
    public FrameDataset? ValidationSplit => validation;

    /// <summary>
    /// The augmentation a config asks for: none when <see cref="TrainingConfig.Augment"/> is off, else the named
    /// policy, or the dataset's default (flip-roll, or roll for digits and gestures, none for emulated sets).
    /// <c>nda</c> drops the flip on datasets whose default does not flip.
    /// </summary>
    public static AugmentOptions AugmentationOf(TrainingConfig c)
    {
        if (!c.Augment) return AugmentOptions.None;
        var info = Data.Datasets.DatasetCatalog.TryFind(c.Dataset);
        string name = c.Augmentation ?? info?.Augmentation ?? "flip-roll";
        if (name.Trim().StartsWith("nda", StringComparison.OrdinalIgnoreCase) && !name.Trim().StartsWith("nda-", StringComparison.OrdinalIgnoreCase) && info is { Flips: false })
            name = "nda-noflip" + name.Trim()[3..];
        return AugmentOptions.Policy(name);
    }

    /// <summary>
    /// Upload every batch the plain way (a step tensor from the arena, copied from the loader's pinned but pageable buffer
    /// on the default stream) instead of through the <see cref="InputRing"/>: the reference the ring is tested against.
    /// Set before <see cref="Train"/>.
    /// </summary>
    public bool PlainUpload { get; set; }

    /// <summary>The network being trained.</summary>
    public SpikingNetwork Model { get; }

    /// <summary>Where the run's files go.</summary>
    public RunFolder Run => run;

    /// <summary>Epochs completed so far.</summary>
    public int EpochsDone => state.Epoch;

    /// <summary>
    /// Starts a new run in <paramref name="run"/>: writes its config and the initial weights. The data is the config's
    /// dataset unless <paramref name="data"/> is given (it is then disposed with the trainer).
    /// </summary>
    public static Trainer Start(Device device, TrainingConfig config, RunFolder run, ILogger log, ITrainingObserver? observer = null, TrainingData? data = null)
    {
        var trainer = new Trainer(device, new TrainingState { Config = config }, run, log, observer, data);
        trainer.state = trainer.state with
        {
            InputShape = trainer.Model.InputShape,
            ClassNames = [.. trainer.train.ClassNames],
        };
        AtomicFile.WriteAllText(run.Config, Checkpoint.ToJson(config));
        Safetensors.Write(run.Initial, Safetensors.FromDevice(trainer.Model.StateDict()));
        trainer.metrics.TruncateAfter(0);
        log.Information("Run {Run}: {Model} with {Neuron} neurons, {Parameters:N0} parameters, {Train} training and {Test} test samples of {Shape}, on {Device}",
            run.Root, trainer.Model.Spec.Name, config.Neuron, trainer.Model.ParameterCount(), trainer.train.Count, trainer.data.Test.Count,
            string.Join("x", trainer.train.FrameShape), device.Description);
        trainer.LogSetup();
        LogSkipped(log, trainer.data);
        return trainer;
    }

    /// <summary>Says in the log (and so on the console) which unreadable files --skip-bad left out of each split.</summary>
    private static void LogSkipped(ILogger log, TrainingData data)
    {
        foreach (var (name, split) in new[] { ("train", data.Train), ("test", data.Test) })
        {
            if (split is not MappedFrameDataset { Skipped.Count: > 0 } mapped) continue;
            log.Warning("--skip-bad left out {Count} unreadable files of the {Split} split ({Cache}):{List}", mapped.Skipped.Count, name, mapped.Path,
                string.Concat(mapped.Skipped.Take(20).Select(b => Environment.NewLine + "  " + b.Error)) +
                (mapped.Skipped.Count > 20 ? $"{Environment.NewLine}  ... and {mapped.Skipped.Count - 20} more (all listed in the cache header)" : ""));
        }
    }

    /// <summary>
    /// Continues the run whose last checkpoint is in <paramref name="run"/>, with its saved configuration (optionally a
    /// different number of epochs, which changes the learning-rate schedule from there on, and optionally another memory
    /// mode, which changes nothing but the memory and the time).
    /// </summary>
    public static Trainer Resume(Device device, RunFolder run, ILogger log, ITrainingObserver? observer = null, int? epochs = null, TrainingData? data = null,
        string? memory = null)
    {
        var (tensors, saved) = Checkpoint.Load(run.Last);
        foreach (var checkpoint in new[] { run.Last, run.Best })
            if (File.Exists(checkpoint) && Checkpoint.RepairSidecar(checkpoint))
                log.Warning("{Sidecar} lagged its checkpoint (a write was interrupted between the two); rewritten from the checkpoint", Path.ChangeExtension(checkpoint, ".json"));
        if (epochs is { } e)
            saved = saved with { Config = saved.Config with { Epochs = e } };
        if (memory is not null)
            saved = saved with { Config = saved.Config with { Memory = memory } };
        var trainer = new Trainer(device, saved, run, log, observer, data);
        Checkpoint.Restore(run.Last, tensors, trainer.Model.StateDict());
        Checkpoint.Restore(run.Last, tensors, trainer.optimizer.NamedState, Checkpoint.OptimizerPrefix);
        trainer.optimizer.LoadStepCounts(saved.OptimizerSteps);
        foreach (var (name, module) in trainer.Model.Modules())
            if (module is Nn.Dropout dropout) dropout.Step = saved.DropoutSteps.GetValueOrDefault(name);
        trainer.metrics.TruncateAfter(saved.Epoch);
        log.Information("Resumed {Run} after epoch {Epoch}, batch {Batch} (step {Step})", run.Root, saved.Epoch, saved.BatchInEpoch, saved.Step);
        trainer.LogSetup();
        return trainer;
    }

    /// <summary>Prints the recipe, the split, the selection rule and the augmentation: what a reader of the log needs to trust its numbers.</summary>
    private void LogSetup()
    {
        var c = state.Config;
        if (c.Recipe is { } recipe)
            log.Information("Recipe {Recipe}: {Settings}", recipe, Recipes.Describe(c));
        var info = Data.Datasets.DatasetCatalog.TryFind(c.Dataset);
        log.Information("Split: {Split}; {Train} train, {Validation} validation, {Test} test samples",
            info is null ? "as given" : info.OfficialSplit ? info.SplitDescription : $"{info.SplitDescription}; this run: {c.SplitRule} (split seed {c.SplitSeed})",
            train.Count, validation?.Count ?? 0, data.Test.Count);
        log.Information(validation is null
            ? "Selection: none (--val-fraction 0): 'best' is the last epoch; the test split is reported, never selects"
            : "Selection: best checkpoint by accuracy on a stratified {Fraction:P0} validation hold-out of the training split (split seed {Seed}); the test split is reported, never selects",
            c.ValidationFraction, c.SplitSeed);
        log.Information("Augmentation: {Augmentation}", Augmentation.Describe());
    }

    /// <summary>
    /// Trains the remaining epochs. Returns false when <paramref name="cancel"/> stopped it: the step in flight
    /// finishes and a checkpoint of that point is written, from which <see cref="Resume"/> continues exactly.
    /// Throws <see cref="TrainingDivergedException"/> when the loss becomes NaN or infinite (the last checkpoint,
    /// from the previous epoch, is kept).
    /// </summary>
    public bool Train(CancellationToken cancel = default)
    {
        var c = state.Config;
        if (MemoryPlan is null && state.Epoch < c.Epochs)
        {
            var plan = PlanMemory();
            log.Information("Planned device memory: {Total:F1} MiB ({Memory} memory mode; parameters, gradients and optimizer state {Persistent:F1} MiB, step peak {Peak:F1} MiB)",
                plan.Total / 1048576.0, c.Memory, (plan.Parameters + plan.Gradients + plan.OptimizerState) / 1048576.0, plan.StepPeakInUse / 1048576.0);
        }
        for (int epoch = state.Epoch + 1; epoch <= c.Epochs; epoch++)
        {
            var epochResult = TrainEpoch(epoch, cancel);
            if (epochResult is null)
                return false;
            var row = FinishEpoch(epoch, epochResult);
            observer.EpochCompleted(row);
        }
        return true;
    }

    private EpochTotals? TrainEpoch(int epoch, CancellationToken cancel)
    {
        var c = state.Config;
        int batches = loader.BatchesPerEpoch;
        int start = state.BatchInEpoch;
        var totals = state.Partial ?? new EpochTotals();
        observer.EpochStarted(epoch, c.Epochs, batches);
        lossSum.CopyFrom([(float)totals.LossSum]);
        MemoryArena.CopyIn<int>(correct.View, [totals.Correct]);
        if (start == 0)
            foreach (var (_, n) in Model.SpikingLayers()) n.Statistics.Reset();
        Model.Train();
        var clock = Stopwatch.StartNew();
        int samples = totals.Samples, batchIndex = start;
        foreach (var batch in loader.Epoch(epoch, start))
        {
            device.Arena.Reset();
            Step(Upload(batch), batch.Count, batch.MixWeight);
            state = state with { Step = state.Step + 1 };
            samples += batch.Count;
            batchIndex++;
            bool last = batchIndex == batches;
            if (batchIndex % Math.Max(1, c.LogInterval) == 0 || last || cancel.IsCancellationRequested)
            {
                var (mean, accuracy) = ReadRunning(samples, epoch, batchIndex);
                double rate = (samples - totals.Samples) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                observer.Progress(epoch, batchIndex, batches, mean, accuracy, rate);
            }
            if (cancel.IsCancellationRequested && !last)
            {
                var (lossTotal, correctTotal) = ReadSums();
                var partial = new EpochTotals
                {
                    LossSum = lossTotal, Correct = correctTotal, Samples = samples,
                    Seconds = totals.Seconds + clock.Elapsed.TotalSeconds, Batches = batchIndex,
                    Spikes = Model.SpikingLayers().ToDictionary(l => l.Name, l => l.Neuron.Statistics.Read()),
                };
                SaveCheckpoint(run.Last, state with { Epoch = epoch - 1, BatchInEpoch = batchIndex, Partial = partial });
                log.Warning("Interrupted at epoch {Epoch}, batch {Batch}/{Batches}; checkpoint {Path} written: resume with --resume {Run}",
                    epoch, batchIndex, batches, run.Last, run.Root);
                return null;
            }
        }
        var (sum, right) = ReadSums();
        return new EpochTotals
        {
            LossSum = sum, Correct = right, Samples = samples, Seconds = totals.Seconds + clock.Elapsed.TotalSeconds,
            Batches = batches, Spikes = totals.Spikes,
        };
    }

    /// <summary>
    /// The training step on a batch on the device: forward over all T steps, loss of the time-averaged logits, BPTT, update;
    /// the running metrics stay on the device (the host reads them once per log interval).
    /// </summary>
    private void Step(InputBatch input, int count, float mixWeight) =>
        Step(device, state.Config, Model, optimizer, schedule.At(state.Step), lossSum, correct.View, input, count, mixWeight);

    private static void Step(Device device, TrainingConfig c, SpikingNetwork model, Optimizer optimizer, double learningRate, Tensor lossSum,
        ArrayView<int> correct, InputBatch input, int count, float mixWeight)
    {
        var (x, labels, mixLabels) = input;                                                // [T, N, 2, H, W], [N], [N] or []
        var logits = model.Forward(x);                                                     // [T, N, K]
        var prediction = Time.MeanOverTime(logits);                                       // [N, K]
        var loss = Loss(c, logits, prediction, labels);
        if (mixWeight < 1f)
        {
            // CutMix: lambda CE(own labels) + (1 - lambda) CE(labels of the pasted box)
            var mixed = Loss(c, logits, prediction, mixLabels);
            loss = Elementwise.Add(Elementwise.Scale(loss, mixWeight), Elementwise.Scale(mixed, 1f - mixWeight));
        }
        optimizer.ZeroGrad();
        device.Tape.Backward(loss);
        optimizer.LearningRate = learningRate;
        optimizer.Step();
        Elementwise.Accumulate(device, loss.View, lossSum.View, count);
        Losses.CountCorrect(prediction, labels, correct, accumulate: true);
    }

    /// <summary>
    /// The device memory of this run's training step (<see cref="MemoryBreakdown.DryRun"/> of a full batch: no kernel runs,
    /// nothing changes but the arena, which is then sized for the step, so training allocates nothing more). Done by
    /// <see cref="Train"/> before the first step.
    /// </summary>
    public MemoryBreakdown PlanMemory() =>
        MemoryPlan ??= PlanMemory(device, state.Config, Model, optimizer, schedule.At(state.Step), lossSum, correct.View, train.FrameShape,
            loader.BatchSize, PlainUpload, ref ring);

    /// <summary>The plan <see cref="PlanMemory()"/> made, or null before it ran.</summary>
    public MemoryBreakdown? MemoryPlan { get; private set; }

    /// <summary>
    /// <c>aia train --dry-run</c>: the memory plan of config <paramref name="c"/>'s training step for frames of
    /// <paramref name="frameShape"/> [T, 2, H, W] and <paramref name="classes"/> classes, without any data: the model,
    /// optimizer and input ring are built as training builds them (and freed again), and one step is planned.
    /// </summary>
    public static MemoryBreakdown PlanMemory(Device device, TrainingConfig c, int[] frameShape, int classes)
    {
        var model = SpikingNetwork.Create(device, ModelSpec.Parse(c.Model), NeuronKinds.Parse(c.Neuron), NeuronOptionsOf(c),
            frameShape[1], frameShape[2], frameShape[3], classes, c.Seed);
        model.Memory = MemoryModes.Parse(c.Memory);
        InputRing? ring = null;
        try
        {
            using var optimizer = CreateOptimizer(device, c, model);
            using var lossSum = Tensor.Persistent(device, new Shape(1), "running loss");
            using var correct = device.Accelerator.Allocate1D<int>(1);
            return PlanMemory(device, c, model, optimizer, c.LearningRate, lossSum, correct.View, frameShape, c.BatchSize, plainUpload: false, ref ring);
        }
        finally
        {
            ring?.Dispose();
            foreach (var (_, t) in model.StateDict())
                t.Dispose();
        }
    }

    private static MemoryBreakdown PlanMemory(Device device, TrainingConfig c, SpikingNetwork model, Optimizer optimizer, double learningRate,
        Tensor lossSum, ArrayView<int> correct, int[] frameShape, int batch, bool plainUpload, ref InputRing? ring)
    {
        // Nothing but the arena may change: the counters a step advances are put back.
        var counts = optimizer.StepCounts();
        var dropouts = model.Modules().Select(m => m.Module).OfType<Nn.Dropout>().ToList();
        var dropoutSteps = dropouts.Select(d => d.Step).ToArray();
        var shape = new Shape(frameShape[0], batch, frameShape[1], frameShape[2], frameShape[3]);
        model.Train();
        var inputRing = plainUpload ? null : ring ??= new InputRing(device, shape.Length, batch);
        var plan = MemoryBreakdown.DryRun(device, model, optimizer, () =>
        {
            device.Arena.Reset();
            var input = inputRing is null
                ? new InputBatch(Tensor.Empty(device, shape), device.Arena.Upload<int>(new int[batch]), default)
                : inputRing.Upload(shape, new float[shape.Length], new int[batch]);
            Step(device, c, model, optimizer, learningRate, lossSum, correct, input, batch, 1f);
        });
        optimizer.LoadStepCounts(counts);
        for (int i = 0; i < dropouts.Count; i++)
            dropouts[i].Step = dropoutSteps[i];
        return plan;
    }

    /// <summary>The batch on the device: through the input ring, or the plain way (<see cref="PlainUpload"/>).</summary>
    private InputBatch Upload(Batch batch)
    {
        var shape = new Shape(batch.Shape);
        var mix = batch.MixWeight < 1f ? batch.MixTargets : default;
        if (PlainUpload)
            return new(Tensor.FromArray(device, shape, batch.Frames), device.Arena.Upload(batch.Targets), mix.Length > 0 ? device.Arena.Upload(mix) : default);
        ring ??= new InputRing(device, (long)loader.BatchSize * batch.FrameShape.Aggregate(1, (a, b) => a * b), loader.BatchSize);
        return ring.Upload(shape, batch.Frames, batch.Targets, mix);
    }

    private static Tensor Loss(TrainingConfig c, Tensor logits, Tensor prediction, ArrayView<int> labels) =>
        c.Loss == "tet"
            ? Losses.CrossEntropyPerStep(logits, labels, (float)c.LabelSmoothing)
            : Losses.CrossEntropy(prediction, labels, (float)c.LabelSmoothing);

    private EpochMetrics FinishEpoch(int epoch, EpochTotals totals)
    {
        var c = state.Config;
        var layers = Model.SpikingLayers().ToList();
        var trainSpikes = new Dictionary<string, double>();
        var trainRates = new Dictionary<string, double>();
        foreach (var (name, neuron) in layers)
        {
            var counts = neuron.Statistics.Read();
            if (totals.Spikes?.GetValueOrDefault(name) is { } carried)
                counts = counts.Plus(carried);
            trainSpikes[name] = (double)counts.Total / Math.Max(1, totals.Samples);
            trainRates[name] = counts.FiringRate;
        }
        var val = validation is null ? null : Evaluator.Evaluate(device, Model, validation, c.BatchSize, (b, n) => observer.Evaluating("validation", b, n));
        var test = Evaluator.Evaluate(device, Model, data.Test, c.BatchSize, (b, n) => observer.Evaluating("test", b, n));
        var row = new EpochMetrics
        {
            Epoch = epoch,
            Step = state.Step,
            LearningRate = optimizer.LearningRate,
            TrainLoss = totals.LossSum / totals.Samples,
            TrainAccuracy = (double)totals.Correct / totals.Samples,
            ValLoss = val?.Loss ?? double.NaN,
            ValAccuracy = val?.Accuracy ?? double.NaN,
            TestLoss = test.Loss,
            TestAccuracy = test.Accuracy,
            StepMs = 1000 * totals.Seconds / Math.Max(1, totals.Batches),
            SamplesPerSecond = totals.Samples / Math.Max(1e-9, totals.Seconds),
            PeakMemoryMiB = device.PeakBytes / (1024.0 * 1024.0),
            GradNorm = optimizer.Clipping is { } clip ? clip.Norm.ToArray()[0] : double.NaN,
            SpikesPerSample = trainSpikes,
            FiringRate = trainRates,
            TestSpikesPerSample = test.SpikesPerSample,
        };
        metrics.Append(row);

        // The test split never selects: the validation hold-out does, or without one the last epoch is kept.
        double selection = val?.Accuracy ?? double.NaN;
        bool best = val is null || double.IsNaN(state.BestAccuracy) || selection > state.BestAccuracy;
        state = state with
        {
            Epoch = epoch, BatchInEpoch = 0, Partial = null,
            BestAccuracy = best ? selection : state.BestAccuracy, BestEpoch = best ? epoch : state.BestEpoch,
        };
        SaveCheckpoint(run.Last, state);
        if (best)
            SaveCheckpoint(run.Best, state);
        log.Information(
            "Epoch {Epoch}/{Epochs}: train loss {TrainLoss:F4} acc {TrainAcc:P2} | val acc {Val} | test loss {Loss:F4} acc {Acc:P2} | {Rate:F1} samples/s, {StepMs:F1} ms/step, lr {Lr:G3}, peak {Mem:F0} MiB{Best}",
            epoch, c.Epochs, row.TrainLoss, row.TrainAccuracy, val is null ? "-" : val.Accuracy.ToString("P2", System.Globalization.CultureInfo.InvariantCulture), test.Loss, test.Accuracy,
            row.SamplesPerSecond, row.StepMs, row.LearningRate, row.PeakMemoryMiB, best ? " (best)" : "");
        DrawPlots(row, test);
        return row;
    }

    private (double Loss, double Accuracy) ReadRunning(int samples, int epoch, int batch)
    {
        var (sum, right) = ReadSums();
        if (!double.IsFinite(sum))
        {
            throw new TrainingDivergedException(
                $"The loss became {(double.IsNaN(sum) ? "NaN" : "infinite")} in epoch {epoch} by batch {batch} (step {state.Step}). " +
                $"Nothing after the last checkpoint was saved ({(File.Exists(run.Last) ? run.Last : "no checkpoint yet")}). " +
                "Try a lower --lr, --clip-norm 1, or another --surrogate.");
        }
        return (sum / samples, (double)right / samples);
    }

    private (double LossSum, int Correct) ReadSums()
    {
        var c = new int[1];
        MemoryArena.CopyOut(correct.View, c);
        return (lossSum.ToArray()[0], c[0]);
    }

    private void SaveCheckpoint(string path, TrainingState s) =>
        Checkpoint.Save(path, Model.StateDict(), optimizer.NamedState, s with
        {
            OptimizerSteps = optimizer.StepCounts().ToDictionary(),
            DropoutSteps = Model.Modules().Where(m => m.Module is Nn.Dropout).ToDictionary(m => m.Name, m => ((Nn.Dropout)m.Module).Step),
        });

    private void DrawPlots(EpochMetrics row, EvalResult test)
    {
        try
        {
            Plots.TrainingCurves(metrics.Rows, Path.Combine(run.Plots, "loss.png"), Path.Combine(run.Plots, "accuracy.png"));
            var names = row.SpikesPerSample.Keys.ToList();
            Plots.SpikesPerLayer(names,
                [("train", names.Select(n => row.SpikesPerSample[n]).ToArray()), ("test", names.Select(n => row.TestSpikesPerSample.GetValueOrDefault(n)).ToArray())],
                Path.Combine(run.Plots, "spikes.png"), $"Spikes per sample per layer, epoch {row.Epoch}");
            Plots.FiringRateOverTime(test.FiringRatePerStep, Path.Combine(run.Plots, "firing_rate.png"), $"Firing rate per time step (test), epoch {row.Epoch}");
            var initial = Safetensors.Read(run.Initial).Tensors;
            var weightNames = Model.Weights().Select(w => w.Name).ToList();
            Plots.WeightHistograms(
                [("initial", weightNames.SelectMany(n => initial[n].Data).ToArray()), ($"epoch {row.Epoch}", Model.Weights().SelectMany(w => w.Weight.ToArray()).ToArray())],
                Path.Combine(run.Plots, "weights.png"), "Weight distribution (all conv and linear layers)");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Warning("Could not draw the plots: {Message}", e.Message);
        }
    }

    /// <summary>The neuron settings of a config.</summary>
    public static NeuronOptions NeuronOptionsOf(TrainingConfig c) => new()
    {
        Decay = c.Decay,
        Threshold = c.Threshold,
        Surrogate = SurrogateFunctions.Parse(c.Surrogate),
        DetachReset = c.DetachReset,
    };

    private static Optimizer CreateOptimizer(Device device, TrainingConfig c, SpikingNetwork model)
    {
        Optimizer optimizer = c.Optimizer.ToLowerInvariant() switch
        {
            "adam" => new Adam(device, model.NamedParameters(), c.LearningRate, weightDecay: c.WeightDecay),
            "adamw" => new AdamW(device, model.NamedParameters(), c.LearningRate, weightDecay: c.WeightDecay),
            "sgd" => new Sgd(device, model.NamedParameters(), c.LearningRate, c.Momentum, weightDecay: c.WeightDecay),
            _ => throw new ArgumentException($"Unknown optimizer '{c.Optimizer}'; use adam, adamw or sgd."),
        };
        if (c.ClipNorm > 0)
            optimizer.Clipping = new GradientClipping(device, (float)c.ClipNorm);
        return optimizer;
    }

    private static LrSchedule CreateSchedule(TrainingConfig c, long totalSteps) =>
        c.Schedule.ToLowerInvariant() switch
        {
            "cosine" => new CosineSchedule(c.LearningRate, Math.Max(1, totalSteps)),
            "step" => new StepSchedule(c.LearningRate, Math.Max(1, totalSteps / 3)),
            "constant" => new ConstantSchedule(c.LearningRate),
            _ => throw new ArgumentException($"Unknown schedule '{c.Schedule}'; use cosine, step or constant."),
        };

    /// <inheritdoc/>
    public void Dispose()
    {
        ring?.Dispose();
        optimizer.Dispose();
        lossSum.Dispose();
        correct.Dispose();
        data.Dispose();
    }

    private sealed class NullObserver : ITrainingObserver;
}

/// <summary>The loss became NaN or infinite.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
