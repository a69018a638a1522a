using System.Globalization;
using System.Text.Json;

namespace Aia.Engine.Models;

/// <summary>
/// A convolutional SNN as a list of layer tokens: an integer is a 3x3 convolution (stride 1, padding 1) to that many
/// channels followed by BatchNorm and the spiking neuron; <c>A</c> is 2x2 average pooling, <c>M</c> 2x2 max
/// pooling, <c>D0.2</c> dropout with that rate. A linear classifier on the flattened features ends the network.
/// Presets: <c>vggsnn</c> (the paper's "VGG-9", TET's VGGSNN: 8 conv + 1 linear) and <c>small</c> (a CPU-sized
/// network for the bundled data). A path to a JSON file <c>{"layers": ["64", "A", ...]}</c> also works.
/// </summary>
public sealed record ModelSpec(string Name, IReadOnlyList<string> Layers)
{
    /// <summary>The presets by name.</summary>
    public static IReadOnlyDictionary<string, string> Presets { get; } = new Dictionary<string, string>
    {
        ["vggsnn"] = "64,128,A,256,256,A,512,512,A,512,512,A",
        ["small"] = "16,A,32,A",
    };

    /// <summary>Largest model spec file read.</summary>
    public const int MaxSpecFileBytes = 1 << 20;

    /// <summary>Most channels a convolution may have.</summary>
    public const int MaxChannels = 16384;

    /// <summary>Parses a preset name, a comma-separated spec, or a JSON file path.</summary>
    public static ModelSpec Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (Presets.TryGetValue(text.Trim().ToLowerInvariant(), out var preset))
            return new ModelSpec(text.Trim().ToLowerInvariant(), Validate(text, preset.Split(',')));
        if (text.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(text))
                throw new ArgumentException($"Model spec file not found: {text}");
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(IO.BoundedFile.ReadAllBytes(text, MaxSpecFileBytes, why => new IOException(why)));
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"{text}: not a readable JSON model spec ({e.Message})");
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
                    throw new ArgumentException($"{text}: a model spec file needs a \"layers\" array, e.g. {{\"layers\": [\"64\", \"A\", \"128\", \"A\"]}}.");
                return new ModelSpec(Path.GetFileNameWithoutExtension(text), Validate(text, layers.EnumerateArray().Select(e => e.ToString()).ToArray()));
            }
        }
        return new ModelSpec(text.Trim(), Validate(text, text.Split(',')));
    }

    private static string[] Validate(string source, string[] tokens)
    {
        var list = tokens.Select(t => t.Trim().ToUpperInvariant()).ToArray();
        if (list.Length == 0 || !list.Any(IsConv))
            throw new ArgumentException($"Model spec '{source}' has no convolution layer.");
        foreach (var t in list)
        {
            if (IsConv(t) || t is "A" or "M") continue;
            if (t.StartsWith('D') && double.TryParse(t[1..], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and < 1) continue;
            throw new ArgumentException(
                $"Model spec '{source}': unknown layer '{t}'. Use channel counts (64; at most {MaxChannels}), A (avg pool), M (max pool), D0.2 (dropout), or a preset: {string.Join(", ", Presets.Keys)}.");
        }
        return list;
    }

    /// <summary>Whether a token is a convolution (a positive channel count).</summary>
    public static bool IsConv(string token) => int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c is > 0 and <= MaxChannels;

    /// <summary>Number of 2x2 pooling layers (each floors odd sizes; the input must be at least 2^pools).</summary>
    public int Pools => Layers.Count(t => t is "A" or "M");

    /// <inheritdoc/>
    public override string ToString() => string.Join(",", Layers);
}
