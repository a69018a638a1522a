using System.Globalization;
using Aia.Engine.IO.Nir;
using Aia.Engine.Nn;
using Aia.Engine.Nn.Neurons;
using Aia.Engine.Runtime;

namespace Aia.Engine.Models;

/// <summary>
/// Builds an engine network from a NIR graph that is a chain of Input, Conv2d, AvgPool2d, SumPool2d, Scale,
/// Flatten, Affine, Linear, LIF, IF and Output nodes, after NIR's type check (<see cref="NirTypes"/>). Neurons are
/// read in the discrete convention <see cref="NirExport"/> writes (dt = 1e-4): LIF's forward-Euler step
/// v = (1 - dt/tau) v + (dt/tau) r I is the engine's u = lambda u + x with lambda = 1 - dt/tau and the input scale
/// s = r dt/tau folded into the threshold (fire at u &gt;= Vth / s on u = v / s); IF's v = v + r I likewise with
/// s = r. The engine needs one lambda and one threshold per layer, v_leak = 0 and v_reset = 0; anything else is
/// refused with a <see cref="NirFormatException"/> that names the node and field.
/// </summary>
public static class NirImport
{
    /// <summary>An input scale this close to 1 is taken as exactly 1 (float32 rounding of tau and r on export).</summary>
    private const double UnitTolerance = 1e-5;

    /// <summary>Reads <paramref name="path"/> and builds its network on <paramref name="device"/>.</summary>
    public static NirNetwork Load(Device device, string path) => Build(device, NirFile.Read(path));

    /// <summary>Builds <paramref name="graph"/>'s network on <paramref name="device"/>, in evaluation mode.</summary>
    public static NirNetwork Build(Device device, NirGraph graph)
    {
        var typed = NirTypes.Check(graph.Chain());
        var layers = new List<(string, Module)>();
        var info = new List<NirLayerInfo>();
        foreach (var (name, node, input, output) in typed)
        {
            var (modules, text) = Layer(device, name, node, input);
            foreach (var (suffix, m) in modules)
                layers.Add((name + suffix, m));
            info.Add(new NirLayerInfo(name, node.Type, input, output, text));
        }
        return new NirNetwork(layers, typed[0].In, typed[^1].Out, info);
    }

    private static (List<(string, Module)> Modules, string Text) Layer(Device device, string name, NirNode node, long[] input)
    {
        string where = $"node '{name}' ({node.Type})";
        switch (node)
        {
            case NirInput or NirOutput:
                return ([], "-");
            case NirConv2d c:
                return ([("", Conv(device, c, where, out var text))], text);
            case NirAvgPool2d a:
            {
                var (k, s) = Pool(a.KernelSize, a.Stride, a.Padding, where);
                return ([("", new AvgPool2d(k, s))], $"AvgPool2d({k}, stride {s})");
            }
            case NirSumPool2d p:
            {
                var (k, s) = Pool(p.KernelSize, p.Stride, p.Padding, where);
                return ([("", new AvgPool2d(k, s)), (".sum", new Scale(k * k))], $"AvgPool2d({k}, stride {s}) x {k * k}");
            }
            case NirScale s:
            {
                float factor = s.Scale.Uniform() ?? throw new NirFormatException($"{where}: the engine supports one scale factor for all elements; 'scale' has several values");
                return ([("", new Scale(factor))], $"Scale({F(factor)})");
            }
            case NirFlatten f:
            {
                if (f.EndDim != -1 && f.EndDim != input.Length - 1)
                    throw new NirFormatException($"{where}: the engine flattens to the last dimension only; end_dim is {f.EndDim} of an input {NirTypes.Show(input)}");
                return ([("", new Flatten((int)f.StartDim + 2))], $"Flatten(from dim {f.StartDim})");
            }
            case NirAffine a:
                return ([("", Dense(device, a.Weight, a.Bias))], $"Linear({a.Weight.Shape[1]} -> {a.Weight.Shape[0]}, bias)");
            case NirLinear l:
                return ([("", Dense(device, l.Weight, null))], $"Linear({l.Weight.Shape[1]} -> {l.Weight.Shape[0]}, no bias)");
            case NirLif lif:
            {
                double tau = Single(lif.Tau, "tau", where), r = Single(lif.R, "r", where), threshold = Single(lif.VThreshold, "v_threshold", where);
                Zero(lif.VLeak, "v_leak", where);
                Zero(lif.VReset, "v_reset", where);
                if (!(tau >= NirExport.Dt) || double.IsInfinity(tau))
                    throw new NirFormatException($"{where}: tau {F(tau)} must be at least dt = {F(NirExport.Dt)} (the time step of the discrete convention) and finite");
                double leak = NirExport.Dt / tau;
                var options = Neuron(1.0 - leak, threshold, leak * r, where);
                return ([("", new LifNeuron(options))], $"LIF(lambda {F(options.Decay)}, Vth {F(options.Threshold)})");
            }
            case NirIf i:
            {
                double r = Single(i.R, "r", where), threshold = Single(i.VThreshold, "v_threshold", where);
                Zero(i.VReset, "v_reset", where);
                var options = Neuron(1.0, threshold, r, where);
                return ([("", new IfNeuron(options))], $"IF(Vth {F(options.Threshold)})");
            }
            default:
                throw new NirFormatException($"{where}: not supported by the engine");
        }
    }

    private static Conv2d Conv(Device device, NirConv2d c, string where, out string text)
    {
        long cout = c.Weight.Shape[0], cin = c.Weight.Shape[1], kh = c.Weight.Shape[2], kw = c.Weight.Shape[3];
        if (kh != kw)
            throw new NirFormatException($"{where}: the engine's convolutions are square; the kernel is {kh} x {kw}");
        if (c.Groups != 1)
            throw new NirFormatException($"{where}: groups = {c.Groups}; the engine supports groups = 1 only");
        if (c.Dilation.Any(d => d != 1))
            throw new NirFormatException($"{where}: dilation {NirTypes.Show(c.Dilation)}; the engine supports dilation 1 only");
        if (c.Stride[0] != c.Stride[1] || c.Stride[0] < 1)
            throw new NirFormatException($"{where}: stride {NirTypes.Show(c.Stride)}; the engine needs one positive stride for both axes");
        long padding = c.PaddingMode switch
        {
            "valid" => 0,
            "same" when c.Stride[0] == 1 && kh % 2 == 1 => (kh - 1) / 2,
            "same" => throw new NirFormatException($"{where}: padding 'same' with stride {c.Stride[0]} and kernel {kh} is not supported"),
            _ => c.Padding![0] == c.Padding[1] && c.Padding[0] >= 0
                ? c.Padding[0]
                : throw new NirFormatException($"{where}: padding {NirTypes.Show(c.Padding)}; the engine needs one padding for both axes"),
        };
        if (!c.Bias.Shape.SequenceEqual([cout]))
            throw new NirFormatException($"{where}: bias has shape {NirTypes.Show(c.Bias.Shape)}, not [{cout}]");
        var conv = new Conv2d(device, (int)cin, (int)cout, (int)kh, (int)c.Stride[0], (int)padding, bias: true, new Rng(0));
        conv.Weight.CopyFrom(c.Weight.Data);
        conv.Bias!.CopyFrom(c.Bias.Data);
        text = $"Conv2d({cin} -> {cout}, {kh}x{kw}, stride {c.Stride[0]}, padding {padding})";
        return conv;
    }

    private static Linear Dense(Device device, NirArray weight, NirArray? bias)
    {
        var linear = new Linear(device, (int)weight.Shape[1], (int)weight.Shape[0], bias is not null, new Rng(0));
        linear.Weight.CopyFrom(weight.Data);
        if (bias is not null)
            linear.Bias!.CopyFrom(bias.Data);
        return linear;
    }

    private static (int Kernel, int Stride) Pool(long[] kernel, long[] stride, long[] padding, string where)
    {
        if (kernel[0] != kernel[1] || kernel[0] < 1)
            throw new NirFormatException($"{where}: kernel_size {NirTypes.Show(kernel)}; the engine pools with square windows");
        if (stride[0] != stride[1] || stride[0] < 1)
            throw new NirFormatException($"{where}: stride {NirTypes.Show(stride)}; the engine needs one positive stride for both axes");
        if (padding.Any(p => p != 0))
            throw new NirFormatException($"{where}: padding {NirTypes.Show(padding)}; the engine pools without padding");
        return ((int)kernel[0], (int)stride[0]);
    }

    /// <summary>The engine's options for decay <paramref name="decay"/>, NIR threshold and input scale <paramref name="scale"/>.</summary>
    private static NeuronOptions Neuron(double decay, double threshold, double scale, string where)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
            throw new NirFormatException($"{where}: the input scale (r dt / tau for LIF, r for IF) is {F(scale)}; it must be positive");
        if (Math.Abs(scale - 1) < UnitTolerance)
            scale = 1;
        double vth = threshold / scale;
        if (!(vth > 0) || double.IsInfinity(vth))
            throw new NirFormatException($"{where}: v_threshold {F(threshold)} must be positive");
        return new NeuronOptions { Decay = (float)decay, Threshold = (float)vth };
    }

    private static double Single(NirArray a, string field, string where) =>
        a.Uniform() is { } v && float.IsFinite(v)
            ? v
            : throw new NirFormatException($"{where}: the engine needs one finite '{field}' for the whole layer; it has {(a.Data.Length == 0 ? "none" : "several or non-finite values")}");

    private static void Zero(NirArray a, string field, string where)
    {
        if (a.Data.Any(v => v != 0f))
            throw new NirFormatException($"{where}: '{field}' must be 0 (the engine's neurons leak and reset to 0); it holds {F(a.Data.First(v => v != 0f))}");
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
