using Aia.Engine.Training;
using ScottPlot;

namespace Aia.Engine.IO;

/// <summary>The PNG plots of a run folder and of <c>aia compare</c>, drawn with ScottPlot.</summary>
public static class Plots
{
    private const int Width = 800, Height = 500;

    /// <summary>Loss (left) and accuracy (right) against epoch, for train and the evaluated splits.</summary>
    public static void TrainingCurves(IReadOnlyList<EpochMetrics> rows, string lossPath, string accuracyPath)
    {
        double[] epochs = rows.Select(r => (double)r.Epoch).ToArray();
        void Draw(string path, string title, string y, params (string Label, Func<EpochMetrics, double> Value)[] series)
        {
            var plot = new Plot();
            foreach (var (label, value) in series)
            {
                var ys = rows.Select(value).ToArray();
                if (ys.All(double.IsNaN)) continue;
                var s = plot.Add.Scatter(epochs, ys);
                s.LegendText = label;
            }
            plot.Title(title);
            plot.XLabel("epoch");
            plot.YLabel(y);
            plot.ShowLegend();
            plot.SavePng(path, Width, Height);
        }
        Draw(lossPath, "Loss", "cross entropy", ("train", r => r.TrainLoss), ("validation", r => r.ValLoss), ("test", r => r.TestLoss));
        Draw(accuracyPath, "Accuracy", "accuracy", ("train", r => r.TrainAccuracy), ("validation", r => r.ValAccuracy), ("test", r => r.TestAccuracy));
    }

    /// <summary>Bars of a value per spiking layer, one bar group per series (the paper's Fig. 3b for several neurons).</summary>
    public static void SpikesPerLayer(IReadOnlyList<string> layers, IReadOnlyList<(string Label, double[] Values)> series, string path, string title = "Spikes per sample per layer") =>
        SpikesPerLayer(layers, series.Select(s => (s.Label, (s.Values, new double[s.Values.Length]))).ToList(), path, title);

    /// <summary>
    /// Bars of the mean of a value per spiking layer with error bars of one standard deviation, one bar group per
    /// series (the paper's Fig. 3b over seeds).
    /// </summary>
    public static void SpikesPerLayer(IReadOnlyList<string> layers, IReadOnlyList<(string Label, (double[] Mean, double[] Std) Values)> series, string path,
        string title = "Spikes per sample per layer")
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.8 / Math.Max(1, series.Count);
        for (int s = 0; s < series.Count; s++)
        {
            var (mean, std) = series[s].Values;
            var bars = mean.Select((v, i) => new Bar
            {
                Position = i + (s - (series.Count - 1) / 2.0) * width,
                Value = v,
                Error = double.IsFinite(std[i]) ? std[i] : 0,
                Size = width,
                FillColor = palette.GetColor(s),
            }).ToList();
            plot.Add.Bars(bars).LegendText = series[s].Label;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, layers.Count).Select(i => (double)i).ToArray(), layers.ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel("spikes per sample");
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }

    /// <summary>
    /// Densities of several series, each a set of repetitions (seeds): the mean density per bin as a line with
    /// error bars of one standard deviation over the repetitions, on common bins (the paper's Fig. 3a over seeds).
    /// </summary>
    public static void DensityBands(IReadOnlyList<(string Label, List<float[]> Repetitions)> series, string path, string title, string xLabel, int bins = 60)
    {
        var all = series.SelectMany(s => s.Repetitions.SelectMany(r => r)).Select(v => (double)v).Order().ToArray();
        if (all.Length == 0) return;
        double lo = all[(int)(0.001 * (all.Length - 1))], hi = all[(int)(0.999 * (all.Length - 1))];
        if (hi <= lo) hi = lo + 1e-6;
        double binWidth = (hi - lo) / bins;
        var xs = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * binWidth).ToArray();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int s = 0; s < series.Count; s++)
        {
            var densities = series[s].Repetitions.Select(values =>
            {
                var counts = new double[bins];
                foreach (var v in values)
                {
                    int b = (int)((v - lo) / binWidth);
                    if (b >= 0 && b < bins) counts[b]++;
                }
                return counts.Select(c => c / (Math.Max(1, values.Length) * binWidth)).ToArray();
            }).ToList();
            var mean = Enumerable.Range(0, bins).Select(b => densities.Average(d => d[b])).ToArray();
            var std = Enumerable.Range(0, bins).Select(b => densities.Count < 2 ? 0 : Math.Sqrt(densities.Sum(d => (d[b] - mean[b]) * (d[b] - mean[b])) / (densities.Count - 1))).ToArray();
            var color = palette.GetColor(s);
            var line = plot.Add.Scatter(xs, mean);
            line.MarkerSize = 0;
            line.Color = color;
            line.LegendText = series[s].Label;
            var errors = plot.Add.ErrorBar(xs, mean, std);
            errors.Color = color;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("density");
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Firing rate against time step, one line per spiking layer.</summary>
    public static void FiringRateOverTime(IReadOnlyDictionary<string, double[]> rates, string path, string title = "Firing rate per time step")
    {
        var plot = new Plot();
        foreach (var (layer, r) in rates)
        {
            var s = plot.Add.Scatter(Enumerable.Range(0, r.Length).Select(t => (double)t).ToArray(), r);
            s.LegendText = layer;
        }
        plot.Title(title);
        plot.XLabel("time step t");
        plot.YLabel("spikes per neuron");
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }

    /// <summary>
    /// Overlaid weight histograms (density), e.g. initial vs trained weights, or LIF vs AIA (the paper's Fig. 3a:
    /// AIA moves weights away from 0).
    /// </summary>
    public static void WeightHistograms(IReadOnlyList<(string Label, float[] Weights)> series, string path, string title = "Weight distribution", int bins = 100)
    {
        var all = series.SelectMany(s => s.Weights).ToArray();
        if (all.Length == 0) return;
        // Clip the range to the 0.1 .. 99.9 percentiles so a few outliers do not flatten the plot.
        var sorted = all.Select(v => (double)v).Order().ToArray();
        double lo = sorted[(int)(0.001 * (sorted.Length - 1))], hi = sorted[(int)(0.999 * (sorted.Length - 1))];
        if (hi <= lo) hi = lo + 1e-6;
        var plot = new Plot();
        foreach (var (label, weights) in series)
        {
            var counts = new double[bins];
            foreach (var w in weights)
            {
                int b = (int)((w - lo) / (hi - lo) * bins);
                if (b >= 0 && b < bins) counts[b]++;
            }
            double scale = 1.0 / (Math.Max(1, weights.Length) * (hi - lo) / bins);
            var xs = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * (hi - lo) / bins).ToArray();
            var s = plot.Add.Scatter(xs, counts.Select(c => c * scale).ToArray());
            s.MarkerSize = 0;
            s.LegendText = label;
        }
        plot.Title(title);
        plot.XLabel("weight");
        plot.YLabel("density");
        plot.ShowLegend();
        plot.SavePng(path, Width, Height);
    }
}
