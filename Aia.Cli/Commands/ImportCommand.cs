using System.Globalization;
using Aia.Engine.IO.Nir;
using Aia.Engine.Models;
using Aia.Engine.Ops;
using Aia.Engine.Runtime;
using Aia.Engine.Training;
using Aia.Cli.Validation;
using CommandLine;

namespace Aia.Cli.Commands;

/// <summary>Options of <c>aia import</c>.</summary>
[Verb("import", HelpText = "Read a NIR graph (HDF5) into the engine: check it with NIR's type rules, list what each node became, and run it on a random event batch. Evaluate it with eval --nir.")]
public sealed class ImportOptions
{
    [Value(0, MetaName = "FILE", Required = true, HelpText = "A NIR file (HDF5, e.g. model.nir from aia export --format nir, snnTorch, Norse, Sinabs, ...).")]
    public string File { get; set; } = "";

    [Option('T', "timesteps", Default = 4, HelpText = "Time steps of the trial run.")]
    [Range(1, 100_000)]
    public int TimeSteps { get; set; }

    [Option("device", Default = "auto", HelpText = "auto | cuda | opencl | cpu.")]
    public string Device { get; set; } = "auto";
}

/// <summary>Runs <c>aia import</c>.</summary>
public static class ImportCommand
{
    /// <summary>0 when the graph was read and ran, 1 otherwise (<c>aia import: FILE: what is wrong</c>).</summary>
    public static int Run(ImportOptions o)
    {
        try
        {
            using var device = Device.Create(DeviceOptions.Parse(o.Device));
            var (graph, network) = Load(device, o.File);
            Console.WriteLine($"{o.File}: NIR graph of {graph.Nodes.Count} nodes, {network.ParameterCount():N0} parameters");
            Console.WriteLine(Table(network));
            TrialRun(device, network, o.TimeSteps);
            return 0;
        }
        catch (NirFormatException e)
        {
            Console.Error.WriteLine($"aia import: {o.File}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (Failures.Describe(e) is { } message)
        {
            Console.Error.WriteLine($"aia import: {message}");
            return 1;
        }
    }

    /// <summary>Reads and builds <paramref name="path"/> (a <see cref="NirFormatException"/> says what is wrong with it).</summary>
    public static (NirGraph Graph, NirNetwork Network) Load(Device device, string path)
    {
        var graph = NirFile.Read(path);
        return (graph, NirImport.Build(device, graph));
    }

    /// <summary>One line per node: name, NIR type, input and output shape, the engine layer.</summary>
    public static string Table(NirNetwork network)
    {
        var rows = network.Description.Select(d => (d.Name, d.Type, In: NirTypes.Show(d.In), Out: NirTypes.Show(d.Out), d.Engine)).ToList();
        int a = Math.Max(4, rows.Max(r => r.Name.Length)), b = Math.Max(4, rows.Max(r => r.Type.Length)),
            c = Math.Max(5, rows.Max(r => r.In.Length)), e = Math.Max(6, rows.Max(r => r.Out.Length));
        var lines = new List<string> { $"{"node".PadRight(a)}  {"type".PadRight(b)}  {"input".PadRight(c)}  {"output".PadRight(e)}  engine" };
        lines.AddRange(rows.Select(r => $"{r.Name.PadRight(a)}  {r.Type.PadRight(b)}  {r.In.PadRight(c)}  {r.Out.PadRight(e)}  {r.Engine}"));
        return string.Join(Environment.NewLine, lines);
    }

    private static void TrialRun(Device device, NirNetwork network, int timesteps)
    {
        var shape = new[] { timesteps, 1 }.Concat(network.InputShape.Select(d => (int)d)).ToArray();
        var rng = new Random(0);
        var x = new float[shape.Aggregate(1L, (p, q) => p * q)];
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextDouble() < 0.1 ? 1f : 0f;
        using var _ = device.Tape.NoGrad();
        var layers = network.Modules().Where(m => m.Module is Engine.Nn.Neurons.SpikingNeuron)
            .Select(m => (m.Name, (Engine.Nn.Neurons.SpikingNeuron)m.Module)).ToList();
        foreach (var (_, n) in layers) n.Statistics.Reset();
        var y = network.Forward(Tensor.FromArray(device, new Shape(shape), x));
        var mean = y.Shape.Rank >= 2 ? Time.MeanOverTime(y).ToArray() : y.ToArray();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trial run on random events (10% of inputs 1, {timesteps} steps): output {y.Shape}, mean over time {string.Join(" ", mean.Take(10).Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))}{(mean.Length > 10 ? " ..." : "")}"));
        var (spikes, _, _) = Evaluator.SpikeSummary(layers, 1);
        foreach (var (name, count) in spikes)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {count:F0} spikes"));
        device.Arena.Reset();
    }
}
