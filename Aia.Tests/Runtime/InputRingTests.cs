using Aia.Engine.Runtime;
using Aia.Engine.Runtime.Upload;
using Aia.Engine.Training;
using Aia.Tests.Support;
using Aia.Tests.Training;
using ILGPU;
using ILGPU.Runtime;
using Device = Aia.Engine.Runtime.Device;
using NUnit.Framework;
using Serilog.Core;

namespace Aia.Tests.Runtime;

public sealed class InputRingTests
{
    private static Device D => TestDevice.Cpu;
    private static readonly Shape Frames = new(2, 3, 2, 4, 4); // T 2, batch 3, 2 x 4 x 4: 192 floats
    private const int Batches = 12;

    /// <summary>Batch <paramref name="k"/>'s frames, labels and mix labels: different for every batch and position.</summary>
    private static (float[] Frames, int[] Labels, int[] Mix) Batch(int k) =>
        (Enumerable.Range(0, (int)Frames.Length).Select(i => k * 1000f + i).ToArray(),
         Enumerable.Range(0, 3).Select(i => k * 10 + i).ToArray(),
         k % 3 == 0 ? [] : Enumerable.Range(0, 3).Select(i => -k * 10 - i).ToArray());

    /// <summary>
    /// Uploads <see cref="Batches"/> batches through a ring on the simulated queues, each consumed by a slow step: two
    /// kernels (the forward's first read and the backward's last) with device time between them, each checking that
    /// the slot still holds its batch. Returns what the checks found wrong.
    /// </summary>
    private static List<string> RunRing(SimulatedStreams streams, int slots)
    {
        var wrong = new List<string>();
        using var ring = new InputRing(D, Frames.Length, 3, slots, streams);
        var source = new float[Frames.Length];
        for (int k = 0; k < Batches; k++)
        {
            var (frames, labels, mix) = Batch(k);
            frames.CopyTo(source, 0);
            var batch = ring.Upload(Frames, source, labels, mix);
            Array.Fill(source, float.NaN); // the loader refills its buffer as soon as the upload returns
            var view = batch.Frames.View;
            int step = k;
            void Check(string when)
            {
                var device = Read(view);
                var deviceLabels = Read(batch.Labels);
                var deviceMix = batch.MixLabels.Length > 0 ? Read(batch.MixLabels) : [];
                if (!device.SequenceEqual(frames) || !deviceLabels.SequenceEqual(labels) || !deviceMix.SequenceEqual(mix))
                    wrong.Add($"step {step} {when}: frames[0] {device[0]}, label {deviceLabels[0]}");
            }
            streams.Kernel(() => Check("forward"));
            for (int i = 0; i < 3; i++) streams.Kernel(() => { }); // the rest of the step
            streams.Kernel(() => Check("backward"));
            streams.AdvanceRandomly(6);
        }
        return wrong;
    }

    private static T[] Read<T>(ArrayView<T> view) where T : unmanaged
    {
        var host = new T[view.Length];
        view.CopyToCPU(host);
        return host;
    }

    private static IEnumerable<TestCaseData> Schedules()
    {
        foreach (int slots in new[] { 1, 2, 3 })
            foreach (double bias in new[] { 0.05, 0.5, 0.95 })
                yield return new TestCaseData(slots, bias).SetName($"RingOf{slots}CopyBias{bias}");
    }

    [TestCaseSource(nameof(Schedules))]
    public void EveryStepReadsItsOwnBatchWhateverTheQueuesDo(int slots, double bias)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var streams = new SimulatedStreams(slots, seed, bias);
            var wrong = RunRing(streams, slots);
            Assert.That(wrong, Is.Empty, $"seed {seed}");
            Assert.That(streams.Executed, Is.GreaterThan(Batches * 5), "every kernel ran");
        }
    }

    /// <summary>Without each of the three waits, some schedule lets a step read another batch: the check above can fail.</summary>
    [TestCase("host", 0.05)]
    [TestCase("copy", 0.95)]
    [TestCase("compute", 0.05)]
    public void WithoutAWaitSomeStepReadsAnotherBatch(string skipped, double bias)
    {
        int failures = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            var streams = new SimulatedStreams(2, seed, bias)
            {
                SkipHostWait = skipped == "host", SkipCopyWait = skipped == "copy", SkipComputeWait = skipped == "compute",
            };
            if (RunRing(streams, 2).Count > 0) failures++;
        }
        Assert.That(failures, Is.GreaterThan(0), $"no schedule caught the missing {skipped} wait");
    }

    [Test]
    public void AStepUploadAllocatesNoDeviceMemoryAndNoCopyOfTheBatch()
    {
        var shape = new Shape(4, 4, 2, 8, 8); // 4096 floats, 16 KiB
        var frames = Enumerable.Range(0, (int)shape.Length).Select(i => (float)i).ToArray();
        int[] labels = [1, 2, 3, 4];
        long before = D.AllocatedBytes;
        using var ring = new InputRing(D, shape.Length, 4);
        Assert.That(ring.Overlapped, Is.False, "the CPU accelerator copies in line");
        long withRing = D.AllocatedBytes;
        Assert.That(withRing - before, Is.EqualTo(2 * (shape.Length * sizeof(float) + 8 * sizeof(int))), "two slots, counted as device memory");
        D.Arena.Reset();
        for (int k = 0; k < 3; k++) ring.Upload(shape, frames, labels);
        int arenaAllocations = D.Arena.DeviceAllocations;
        long arenaUsed = D.Arena.UsedBytes;
        long managed = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 8; k++)
        {
            var batch = ring.Upload(shape, frames, labels, labels);
            Assert.That(batch.Frames.Length, Is.EqualTo(shape.Length));
        }
        long perUpload = (GC.GetAllocatedBytesForCurrentThread() - managed) / 8;
        Assert.That(D.AllocatedBytes, Is.EqualTo(withRing), "no device memory");
        Assert.That(D.Arena.DeviceAllocations, Is.EqualTo(arenaAllocations), "no arena chunk");
        Assert.That(D.Arena.UsedBytes, Is.EqualTo(arenaUsed), "nothing placed in the arena");
        TestContext.Out.WriteLine($"managed bytes per upload: {perUpload}");
        Assert.That(perUpload, Is.LessThan(1024), "the tensor object only, no managed copy of the 16 KiB of frames");
        Assert.That(ring.Uploads, Is.EqualTo(11));
        Assert.That(ring.Upload(shape, frames, labels).Frames.ToArray(), Is.EqualTo(frames));
    }

    [Test]
    public void TheVerifyCheckPassesOnTheCpu()
    {
        var check = Aia.Engine.Verification.UploadChecks.Cases(64).Single();
        var result = check.Run(D);
        Assert.That(result.Passed, Is.True, result.ToString());
    }

    [Test]
    public void AShortBatchAndTheSlotsBoundsAreChecked()
    {
        using var ring = new InputRing(D, Frames.Length, 3);
        var shortShape = new Shape(2, 1, 2, 4, 4);
        var frames = Enumerable.Range(0, (int)shortShape.Length).Select(i => (float)i).ToArray();
        var batch = ring.Upload(shortShape, frames, [7]);
        Assert.That(batch.Frames.ToArray(), Is.EqualTo(frames));
        Assert.That(Read(batch.Labels), Is.EqualTo(new[] { 7 }));
        Assert.That(batch.MixLabels.Length, Is.EqualTo(0));
        Assert.That(() => ring.Upload(new Shape(2, 4, 2, 4, 4), new float[256], [1, 2, 3, 4]), Throws.ArgumentException.With.Message.Contains("InputRing.Upload"));
        Assert.That(() => ring.Upload(Frames, new float[5], [1]), Throws.ArgumentException.With.Message.Contains("InputRing.Upload"));
    }

    [Test]
    public void TrainingThroughTheRingEqualsThePlainUploadBitForBit()
    {
        var dir = Directory.CreateTempSubdirectory("aia-ring-").FullName;
        try
        {
            // CutMix (nda) sends the partner labels through the ring too.
            var config = SyntheticData.Config() with { Augment = true, Augmentation = "nda", Epochs = 2 };
            var results = new List<Dictionary<string, float[]>>();
            float[] initial = [];
            foreach (bool plain in new[] { true, false })
            {
                var run = RunFolder.Create(dir, plain ? "plain" : "ring");
                using (var trainer = Trainer.Start(D, config, run, Logger.None, data: SyntheticData.Splits()))
                {
                    trainer.PlainUpload = plain;
                    Assert.That(trainer.Train(), Is.True);
                }
                results.Add(Checkpoint.Load(run.Last).Tensors.ToDictionary(t => t.Key, t => t.Value.Data));
                initial = Aia.Engine.IO.Safetensors.Read(run.Initial).Tensors["classifier.weight"].Data;
            }
            Assert.That(results[1].Keys, Is.EquivalentTo(results[0].Keys));
            foreach (var (name, values) in results[0])
                Assert.That(results[1][name], Is.EqualTo(values), name);
            Assert.That(results[0]["classifier.weight"], Is.Not.EqualTo(initial), "the weights moved");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
