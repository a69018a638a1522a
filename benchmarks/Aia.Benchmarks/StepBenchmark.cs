using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aia.Engine.Models;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Ops;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;
using Aia.Engine.Runtime.Upload;
using Aia.Engine.Training;

namespace Aia.Benchmarks;

/// <summary>
/// The end-to-end training step, as the PyTorch peer (shared/bench/torch_ref.py) measures it: a spiking VGG on random
/// spike inputs (rate 0.2) and labels, forward over T steps, mean-over-time cross entropy, backward, Adam. Prints a
/// per-layer forward breakdown, the memory breakdown, and one JSON line (same fields as the peer's) for side-by-side
/// tables. The step is first planned without running (<see cref="MemoryBreakdown.DryRun"/>), which sizes the arena;
/// the measured peak then shows whether the real steps allocated anything the plan did not have. <c>--memory low</c>
/// runs the step with segment checkpointing (<see cref="Aia.Engine.Autodiff.SegmentCheckpoint"/>).
/// </summary>
public static class StepBenchmark
{
    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(Device device, string model, string neuron, int steps, int size, int batch, int iterations,
        bool dryRun = false, bool plan = true, bool quick = false, MemoryMode memory = MemoryMode.Default, bool kernels = false)
    {
        var spec = ModelSpec.Parse(model);
        var kind = NeuronKinds.Parse(neuron);
        var net = SpikingNetwork.Create(device, spec, kind, new NeuronOptions(), 2, size, size, 10, seed: 0);
        net.Memory = memory;
        using var adam = new Adam(device, net.NamedParameters(), 1e-3);
        var rng = new Rng(0);
        var input = new float[steps * batch * 2 * size * size];
        for (int i = 0; i < input.Length; i++) input[i] = rng.NextDouble() < 0.2 ? 1f : 0f;
        var labels = Enumerable.Range(0, batch).Select(_ => rng.NextInt(10)).ToArray();
        var shape = new Shape(steps, batch, 2, size, size);

        InputRing? ring = null; // created for the back-to-back steps only, after the peak memory is read

        // One step enqueued: the batch uploaded the plain way (arena, pageable memory, default stream) or through the ring.
        void Enqueue(bool throughRing)
        {
            device.Arena.Reset();
            var (x, y, _) = throughRing ? (ring ??= new InputRing(device, shape.Length, batch)).Upload(shape, input, labels)
                : new InputBatch(Tensor.FromArray(device, shape, input), device.Arena.Upload<int>(labels), default);
            var loss = Losses.CrossEntropy(Time.MeanOverTime(net.Forward(x)), y);
            adam.ZeroGrad();
            device.Tape.Backward(loss);
            adam.Step();
        }

        double Step()
        {
            var clock = Stopwatch.StartNew();
            Enqueue(throughRing: false);
            device.Synchronize();
            return clock.Elapsed.TotalMilliseconds;
        }

        // Steps back to back, one synchronisation at the end (as training runs between metric reads): what the ring's
        // overlap of the next batch's copy with the previous step's kernels can save.
        double Pipelined(bool throughRing, int count)
        {
            Enqueue(throughRing);
            device.Synchronize();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
                Enqueue(throughRing);
            device.Synchronize();
            return clock.Elapsed.TotalMilliseconds / count;
        }

        double Inference()
        {
            var clock = Stopwatch.StartNew();
            using var _ = device.Tape.NoGrad();
            device.Arena.Reset();
            Time.MeanOverTime(net.Forward(Tensor.FromArray(device, shape, input)));
            device.Synchronize();
            return clock.Elapsed.TotalMilliseconds;
        }

        Console.WriteLine($"device: {device.Description}");
        Console.WriteLine($"model {spec.Name} ({spec}), {neuron}, T={steps}, batch {batch}, {size}x{size}, memory {memory.Name()}: {net.ParameterCount():N0} parameters");
        MemoryBreakdown? planned = null;
        if (dryRun || plan)
        {
            var clock = Stopwatch.StartNew();
            planned = MemoryBreakdown.DryRun(device, net, adam, () => Step());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planned memory (dry run, {clock.Elapsed.TotalSeconds:F1} s, no kernels):"));
            Console.Write(planned.Format());
        }
        if (dryRun)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["peer"] = "aia-" + device.Kind.ToString().ToLowerInvariant(), ["arch"] = spec.Name, ["neuron"] = neuron, ["T"] = steps,
                ["batch"] = batch, ["size"] = size, ["memory"] = memory.Name(), ["planned_mem_mib"] = Math.Round(planned!.Total / 1048576.0, 1),
            }));
            return 0;
        }
        if (!quick)
            for (int i = 0; i < 2; i++) Step();
        double step = Median(Enumerable.Range(0, quick ? 1 : iterations).Select(_ => Step()));
        device.Arena.Reset();
        var measured = MemoryBreakdown.Of(device, net, adam);
        long trainingPeak = device.PeakBytes;
        double plainPipelined = quick ? double.NaN : Pipelined(throughRing: false, Math.Max(2, iterations / 2));
        double ringPipelined = quick ? double.NaN : Pipelined(throughRing: true, Math.Max(2, iterations / 2));
        double infer = double.NaN;
        if (!quick)
        {
            net.Eval();
            Inference();
            infer = Median(Enumerable.Range(0, Math.Max(3, iterations / 2)).Select(_ => Inference()));
            net.Train();
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train step {step:F1} ms ({batch / step * 1000:F1} samples/s), inference batch {infer:F1} ms, peak device memory {trainingPeak / 1048576.0:F1} MiB (training steps; {device.PeakBytes / 1048576.0:F1} MiB with inference)"));
        if (!quick)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"back-to-back steps: {plainPipelined:F1} ms with the plain upload, {ringPipelined:F1} ms through the input ring ({(ring?.Overlapped == true ? "copy stream, overlapped" : "copies in line")})"));
        Console.WriteLine("measured memory (after the timed steps):");
        Console.Write(measured.Format());
        if (!quick)
            Breakdown(device, net, shape, input, labels, adam);
        if (kernels)
            KernelProfile(device, iterations, () => Step());
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["peer"] = "aia-" + device.Kind.ToString().ToLowerInvariant(),
            ["arch"] = spec.Name,
            ["neuron"] = neuron,
            ["T"] = steps,
            ["batch"] = batch,
            ["size"] = size,
            ["memory"] = memory.Name(),
            ["precision"] = device.Precision.Name(),
            ["train_step_ms"] = Math.Round(step, 3),
            ["train_samples_per_s"] = Math.Round(batch / step * 1000, 1),
            ["infer_ms"] = double.IsNaN(infer) ? -1 : Math.Round(infer, 3),
            ["pipelined_plain_ms"] = double.IsNaN(plainPipelined) ? -1 : Math.Round(plainPipelined, 3),
            ["pipelined_ring_ms"] = double.IsNaN(ringPipelined) ? -1 : Math.Round(ringPipelined, 3),
            ["input_overlapped"] = ring?.Overlapped == true,
            ["peak_mem_mib"] = Math.Round(trainingPeak / 1048576.0, 1),
            ["planned_mem_mib"] = planned is null ? -1 : Math.Round(planned.Total / 1048576.0, 1),
        }));
        ring?.Dispose();
        return 0;
    }

    /// <summary>Forward time per top-level layer (synchronised after each), then backward and optimizer.</summary>
    private static void Breakdown(Device device, SpikingNetwork net, Shape shape, float[] input, int[] labels, Adam adam)
    {
        var rows = new List<(string Name, double Ms)>();
        var backward = new Dictionary<string, double>();
        for (int repeat = 0; repeat < 3; repeat++)
        {
            rows.Clear();
            backward.Clear();
            device.Arena.Reset();
            var x = Tensor.FromArray(device, shape, input);
            device.Synchronize();
            var clock = Stopwatch.StartNew();
            Tensor logits;
            if (net.Memory == MemoryMode.Low)
            {
                // Segments run as one: the forward of every layer, then the classifier.
                logits = net.Forward(x);
                device.Synchronize();
                rows.Add(("forward (segments, classifier)", clock.Elapsed.TotalMilliseconds));
                clock.Restart();
            }
            else
            {
                foreach (var (name, layer) in net.Features.Children())
                {
                    x = layer.Forward(x);
                    device.Synchronize();
                    rows.Add(($"features.{name} {layer.GetType().Name}", clock.Elapsed.TotalMilliseconds));
                    clock.Restart();
                }
                logits = net.Classifier.Forward(Elementwise.Reshape(x, new Shape(x.Shape[0], x.Shape[1], (int)x.Shape.Product(2, x.Shape.Rank))));
            }
            var loss = Losses.CrossEntropy(Time.MeanOverTime(logits), device.Arena.Upload<int>(labels));
            device.Synchronize();
            rows.Add(("classifier + loss", clock.Elapsed.TotalMilliseconds));
            clock.Restart();
            adam.ZeroGrad();
            device.Tape.Profile = backward;
            device.Tape.Backward(loss);
            device.Tape.Profile = null;
            device.Synchronize();
            rows.Add(("backward (all layers)", clock.Elapsed.TotalMilliseconds));
            clock.Restart();
            adam.Step();
            device.Synchronize();
            rows.Add(("optimizer", clock.Elapsed.TotalMilliseconds));
        }
        double total = rows.Sum(r => r.Ms);
        foreach (var (name, ms) in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-34} {ms,9:F2} ms {ms / total,7:P1}"));
        foreach (var (name, ms) in backward.OrderByDescending(b => b.Value))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    backward of {name,-24} {ms,9:F2} ms {ms / total,7:P1}"));
    }

    /// <summary>
    /// Per kernel (class, method, steps or tile product), the milliseconds and launches of one training step, averaged over
    /// <paramref name="iterations"/> steps with every launch synchronised and timed (<see cref="Device.KernelTimes"/>).
    /// </summary>
    private static void KernelProfile(Device device, int iterations, Action step)
    {
        device.KernelTimes = [];
        for (int i = 0; i < iterations; i++)
            step();
        var times = device.KernelTimes;
        device.KernelTimes = null;
        double total = times.Values.Sum(v => v.Milliseconds) / iterations;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kernels of one step (every launch synchronised, mean of {iterations} steps): {total:F1} ms"));
        foreach (var (name, (ms, launches)) in times.OrderByDescending(t => t.Value.Milliseconds))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-58} {ms / iterations,9:F2} ms {ms / iterations / total,7:P1} {launches / iterations,4} launches"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var a = values.Order().ToArray();
        return a[a.Length / 2];
    }
}
