using System.Globalization;
using Aia.Engine.Data.Datasets;
using Aia.Engine.IO.Nir;
using Aia.Engine.Runtime;
using Aia.Engine.Training;

namespace Aia.Cli.Commands;

/// <summary><c>aia eval --nir FILE</c>: a NIR graph read into the engine, evaluated on a dataset's split.</summary>
public static class NirEval
{
    /// <summary>0 on success, 1 on failure (<c>aia eval: FILE: what is wrong</c> for the file's faults).</summary>
    public static int Run(EvalOptions o)
    {
        string file = o.Nir!;
        try
        {
            using var device = Device.Create(DeviceOptions.Parse(o.Device));
            var (graph, network) = ImportCommand.Load(device, file);
            var meta = graph.Metadata;
            string dataset = o.Dataset ?? meta.GetValueOrDefault("aia.dataset")
                ?? throw new UsageException($"--dataset is needed: {file} does not record the dataset it was trained on.");
            var input = network.InputShape;
            if (input.Length != 3 || input[0] != 2 || input[1] != input[2])
                throw new NirFormatException($"the graph's input {NirTypes.Show(input)} is not a square event frame [2 H H]");
            int timesteps = o.TimeSteps
                ?? (int.TryParse(meta.GetValueOrDefault("aia.timesteps"), NumberStyles.None, CultureInfo.InvariantCulture, out int t) ? t : 0);
            if (timesteps == 0)
                timesteps = DatasetCatalog.All.FirstOrDefault(d => string.Equals(d.Name, dataset, StringComparison.OrdinalIgnoreCase))?.Frames ?? 10;
            var config = new TrainingConfig { Dataset = dataset, Root = o.Root ?? meta.GetValueOrDefault("aia.root"), TimeSteps = timesteps, Size = (int)input[1], LimitPerClass = o.Limit ?? 0 };
            using var data = TrainingData.Open(config);
            var split = o.Split == "test" ? data.Test : data.Train;
            if (network.OutputShape is not [var classes] || classes != split.Classes)
                throw new NirFormatException($"the graph's output {NirTypes.Show(network.OutputShape)} does not give one score per class of {dataset} ({split.Classes})");
            if (split.FrameShape[2] != input[1] || split.FrameShape[3] != input[2])
                throw new NirFormatException($"the graph takes {input[1]}x{input[2]} frames but {dataset} gives {split.FrameShape[2]}x{split.FrameShape[3]}");
            var r = Evaluator.Evaluate(device, network, split, o.Batch);
            Console.WriteLine($"NIR graph: {file} ({graph.Nodes.Count} nodes, {network.ParameterCount():N0} parameters), {dataset}, T = {timesteps}");
            Console.WriteLine(Report.Evaluation(o.Split, r, split.ClassNames));
            return 0;
        }
        catch (NirFormatException e)
        {
            Console.Error.WriteLine($"aia eval: {file}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (Failures.Describe(e) is { } message)
        {
            Console.Error.WriteLine($"aia eval: {message}");
            return 1;
        }
    }
}
