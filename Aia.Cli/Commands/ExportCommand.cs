using System.Globalization;
using Aia.Engine.IO;
using Aia.Engine.IO.Nir;
using Aia.Engine.Models;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using Aia.Cli.Validation;
using CommandLine;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia export</c>.</summary>
[Verb("export", HelpText = "Fold BatchNorm and cached AIA's beta into the convolutions and write the inference network as safetensors or a NIR graph; checks the logits match.")]
public sealed class ExportOptions
{
    [Option("checkpoint", Required = true, HelpText = "A checkpoint or a run folder (its best checkpoint).")]
    [NotEmpty]
    public string Checkpoint { get; set; } = "";

    [Option("out", HelpText = "Output file (default: model.safetensors or model.nir in the run folder).")]
    [NotEmpty]
    public string? Out { get; set; }

    [Option("format", Default = "safetensors", HelpText = "safetensors | nir (the Neuromorphic Intermediate Representation, HDF5: for Lava, SpiNNaker2, Xylo, Speck, snnTorch, Norse, Sinabs, Rockpool, Spyx).")]
    [OneOf("safetensors", "nir")]
    public string Format { get; set; } = "safetensors";

    [Option("verify-samples", Default = 64, HelpText = "Test samples on which the folded logits are compared with the trained network's (0: skip).")]
    [Range(0, 1_000_000)]
    public int VerifySamples { get; set; }

    [Option("root", HelpText = "Dataset folder, if it moved since training (for the check).")]
    [NotEmpty]
    public string? Root { get; set; }

    [Option("device", Default = "auto", HelpText = "auto | cuda | opencl | cpu.")]
    public string Device { get; set; } = "auto";
}

/// <summary>Runs <c>aia export</c>.</summary>
public static class ExportCommand
{
    /// <summary>Logit difference above which a sample counts as changed by folding (float rounding stays far below).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>0 when written and the check passed, 1 otherwise.</summary>
    public static int Run(ExportOptions o)
    {
        try
        {
            o.Format = o.Format.ToLowerInvariant();
            string path = EvalCommand.CheckpointPath(o.Checkpoint, "best");
            using var device = Device.Create(DeviceOptions.Parse(o.Device));
            var (model, state) = TrainedModel.Load(device, path);
            var c = state.Config;
            var folded = Folding.Fold(model, device, Trainer.NeuronOptionsOf(c), c.Seed);
            string output = Target(path, o.Format, o.Out);
            var metadata = new Dictionary<string, string>
            {
                ["aia.model"] = folded.Spec.ToString(),
                ["aia.neuron"] = folded.Neuron.InferenceKind().Name(),
                ["aia.trained_neuron"] = c.Neuron,
                ["aia.decay"] = c.Decay.ToString(CultureInfo.InvariantCulture),
                ["aia.threshold"] = c.Threshold.ToString(CultureInfo.InvariantCulture),
                ["aia.input_shape"] = string.Join(",", state.InputShape),
                ["aia.timesteps"] = c.TimeSteps.ToString(CultureInfo.InvariantCulture),
                ["aia.classes"] = string.Join(",", state.ClassNames),
                ["aia.readout"] = "mean over time of the classifier's logits",
            };
            NirNetwork? imported = null;
            if (o.Format == "nir")
            {
                metadata["aia.dataset"] = c.Dataset;
                if (c.Root is { } root) metadata["aia.root"] = root;
                metadata["aia.dt"] = NirExport.Dt.ToString(CultureInfo.InvariantCulture);
                metadata["aia.semantics"] = "LIF with dt 1e-4, tau = dt/(1-lambda), r = 1/(1-lambda); the engine fires on v >= v_threshold (NIR: v > v_threshold) and resets to 0";
                NirFile.Write(output, NirExport.Graph(folded, metadata));
                imported = NirImport.Load(device, output); // read back: the check below runs the file itself
            }
            else
            {
                metadata["format"] = "pt";
                Safetensors.Write(output, Safetensors.FromDevice(folded.NamedParameters()), metadata);
            }
            long lifParameters = LifEquivalentParameters(model);
            Console.WriteLine($"wrote {output}");
            Console.WriteLine($"parameters: trained {model.ParameterCount():N0} (with BatchNorm{(c.Neuron == "cached-aia" ? " and beta" : "")}), " +
                              $"exported {folded.ParameterCount():N0}; a LIF network of this shape exports {lifParameters:N0}");
            if (o.VerifySamples <= 0)
                return 0;
            return Verify(device, model, folded, imported, c, o) ? 0 : 1;
        }
        catch (Exception e) when (Failures.Describe(e) is { } message)
        {
            Console.Error.WriteLine($"aia export: {message}");
            return 1;
        }
    }

    /// <summary>
    /// Where the export goes: <paramref name="out"/>, else <c>model.FORMAT</c> in the run folder when the checkpoint
    /// sits in a run's <c>checkpoints/</c> folder, else next to the checkpoint. A file already there is replaced only
    /// when it is an earlier export (it carries <c>aia.model</c>): the engine never overwrites a file it did not write.
    /// </summary>
    public static string Target(string checkpoint, string format, string? @out)
    {
        string full = Path.GetFullPath(checkpoint), folder = Path.GetDirectoryName(full)!;
        string output = Path.GetFullPath(@out ?? Path.Combine(
            Path.GetFileName(folder) == "checkpoints" && Path.GetDirectoryName(folder) is { } run ? run : folder, "model." + format));
        if (Directory.Exists(output))
            throw new IOException($"{output}: is a folder; give --out a file name.");
        if (string.Equals(output, full, StringComparison.Ordinal))
            throw new IOException($"{output}: is the checkpoint itself; give --out another file.");
        if (File.Exists(output) && !IsEarlierExport(output, format))
            throw new IOException($"{output}: exists and was not written by aia export; give --out another file (nothing was written).");
        return output;
    }

    private static bool IsEarlierExport(string file, string format)
    {
        try
        {
            return format == "nir" ? NirFile.Read(file).Metadata.ContainsKey("aia.model") : Safetensors.Read(file).Metadata.ContainsKey("aia.model");
        }
        catch (Exception e) when (e is InputFileException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long LifEquivalentParameters(SpikingNetwork model) =>
        model.NamedParameters().Where(p => !p.Name.EndsWith(".beta", StringComparison.Ordinal) && !p.Name.Contains(".bn.", StringComparison.Ordinal)).Sum(p => p.Tensor.Length)
        + model.Features.Layers.OfType<ConvBn>().Sum(b => (long)b.Bn.Features);

    private static bool Verify(Device device, SpikingNetwork model, SpikingNetwork folded, NirNetwork? imported, TrainingConfig c, ExportOptions o)
    {
        using var data = EvalCommand.OpenDataset(c, o.Root, null);
        int n = Math.Min(o.VerifySamples, data.Test.Count);
        double worst = 0, worstFile = 0;
        int changed = 0, agree = 0, changedFile = 0;
        using var _ = device.Tape.NoGrad();
        for (int i = 0; i < n; i++)
        {
            device.Arena.Reset();
            var (frames, _) = data.Test.Get(i);
            var shape = data.Test.FrameShape; // [T, 2, H, W]
            var x = Tensor.FromArray(device, new Shape(shape[0], 1, shape[1], shape[2], shape[3]), frames);
            var a = Time.MeanOverTime(model.Forward(x)).ToArray();
            var b = Time.MeanOverTime(folded.Forward(x)).ToArray();
            double diff = a.Zip(b, (p, q) => Math.Abs(p - q)).Max();
            worst = Math.Max(worst, diff);
            if (diff > Tolerance) changed++;
            if (Array.IndexOf(a, a.Max()) == Array.IndexOf(b, b.Max())) agree++;
            if (imported is not null)
            {
                var e = Time.MeanOverTime(imported.Forward(x)).ToArray();
                double fileDiff = b.Zip(e, (p, q) => Math.Abs(p - q)).Max();
                worstFile = Math.Max(worstFile, fileDiff);
                if (fileDiff > Tolerance) changedFile++;
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"check on {n} test samples: max |logit difference| {worst:E2}; {n - changed} of {n} within {Tolerance:E0}; predictions agree on {agree} of {n}"));
        // A membrane potential within float rounding of the threshold can flip one spike after folding; allow 1% of samples.
        bool ok = changed <= n / 100 && agree >= n - Math.Max(1, n / 100);
        if (!ok)
            Console.Error.WriteLine("aia export: the folded network does not reproduce the trained one's logits.");
        if (imported is null)
            return ok;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"NIR file read back and run: max |logit difference| to the folded network {worstFile:E2}; {n - changedFile} of {n} within {Tolerance:E0}"));
        if (changedFile > n / 100)
            Console.Error.WriteLine("aia export: the network read back from the NIR file does not reproduce the folded network's logits.");
        return ok && changedFile <= n / 100;
    }
}
