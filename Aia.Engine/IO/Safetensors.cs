using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aia.Engine.Runtime;

namespace Aia.Engine.IO;

/// <summary>One named tensor of a safetensors file (float32 on the host).</summary>
/// <param name="Name">Key, e.g. <c>features.0.conv.weight</c>.</param>
/// <param name="Shape">Dimensions (empty for a scalar).</param>
/// <param name="Data">Row-major values.</param>
public sealed record HostTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// The safetensors format (huggingface/safetensors), readable by PyTorch users with <c>safetensors.torch.load_file</c>:
/// an 8-byte little-endian header length, a JSON header mapping each name to dtype, shape and byte offsets (plus a
/// <c>__metadata__</c> map of strings), then the raw little-endian data. This engine writes F32 and reads F32,
/// F64, I32 and I64 (converted to float).
/// </summary>
public static class Safetensors
{
    /// <summary>Writes tensors and string metadata atomically.</summary>
    public static void Write(string path, IEnumerable<HostTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        var names = new HashSet<string>();
        foreach (var t in list)
        {
            if (!names.Add(t.Name))
                throw new ArgumentException($"Duplicate tensor name '{t.Name}' in {path}.");
            long expected = t.Shape.Aggregate(1L, (a, d) => a * d);
            if (expected != t.Data.Length)
                throw new ArgumentException($"Tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] but {t.Data.Length} values.");
            long bytes = 4L * t.Data.Length;
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, s =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            s.Write(len);
            s.Write(json);
            for (int i = json.Length; i < padded; i++) s.WriteByte((byte)' ');
            foreach (var t in list)
            {
                var data = new byte[4L * t.Data.Length];
                for (int i = 0; i < t.Data.Length; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), t.Data[i]);
                s.Write(data);
            }
        });
    }

    /// <summary>Largest header a reader accepts (the safetensors library's own limit).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>The element types read, with their sizes in bytes.</summary>
    private static readonly Dictionary<string, int> DTypes = new() { ["F32"] = 4, ["F64"] = 8, ["F16"] = 2, ["BF16"] = 2, ["I32"] = 4, ["I64"] = 8 };

    /// <summary>
    /// Reads every tensor and the metadata. The whole header is validated before any tensor is decoded: a JSON
    /// object, string metadata, and for every tensor an object with a known dtype, a shape of dimensions in
    /// [0, 2^31) whose byte count matches its two in-file data offsets. A file that is not like that raises a
    /// <see cref="CheckpointException"/> naming the file and the offset; the file is read with a size limit.
    /// </summary>
    public static (Dictionary<string, HostTensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Checkpoint file not found: {path}", path);
        CheckpointException Bad(long offset, string why) => new(path, offset, $"not a valid safetensors file: {why}");
        var bytes = BoundedFile.ReadAllBytes(path, Array.MaxLength, why => Bad(0, why));
        if (bytes.Length < 8) throw Bad(0, $"{bytes.Length} bytes, shorter than its 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8)) throw Bad(0, $"header length {headerLength} exceeds the file size {bytes.Length}");
        if (headerLength > MaxHeaderBytes) throw Bad(0, $"header length {headerLength} is more than {MaxHeaderBytes} bytes");
        long dataStart = 8 + (long)headerLength, dataLength = bytes.Length - dataStart;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw Bad(8 + (e.BytePositionInLine ?? 0), "the header is not JSON (" + e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ') + ")");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(8, $"the header is a JSON {Kind(root)}, not an object");
            var tensors = new Dictionary<string, HostTensor>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>();
            var entries = new List<(string Name, string DType, int[] Shape, long Begin, long End)>();
            foreach (var property in root.EnumerateObject())
            {
                string name = property.Name;
                if (!seen.Add(name)) throw Bad(8, $"the header names '{name}' twice");
                var node = property.Value;
                if (name == "__metadata__")
                {
                    if (node.ValueKind != JsonValueKind.Object) throw Bad(8, $"__metadata__ is a JSON {Kind(node)}, not an object of strings");
                    foreach (var m in node.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad(8, $"__metadata__ value '{m.Name}' is a JSON {Kind(m.Value)}, not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                if (node.ValueKind != JsonValueKind.Object) throw Bad(8, $"tensor '{name}' is a JSON {Kind(node)}, not an object");
                if (!node.TryGetProperty("dtype", out var d) || d.ValueKind != JsonValueKind.String)
                    throw Bad(8, $"tensor '{name}' has no dtype string");
                string dtype = d.GetString()!;
                if (!DTypes.TryGetValue(dtype, out int size))
                    throw Bad(8, $"tensor '{name}' has dtype '{EventText(dtype)}'; supported: {string.Join(", ", DTypes.Keys)}");
                if (!node.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
                    throw Bad(8, $"tensor '{name}' has no shape array");
                var shape = new int[sh.GetArrayLength()];
                long count = 1;
                int i = 0;
                foreach (var dim in sh.EnumerateArray())
                {
                    if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out int n) || n < 0)
                        throw Bad(8, $"tensor '{name}' has a shape entry {EventText(dim.GetRawText())} that is not a dimension in [0, 2^31)");
                    shape[i++] = n;
                    count = n == 0 || count == 0 ? 0 : count > Array.MaxLength / n ? long.MaxValue : count * n;
                }
                if (count > Array.MaxLength)
                    throw Bad(8, $"tensor '{name}' of shape [{string.Join(", ", shape)}] has more elements than an array can hold");
                if (!node.TryGetProperty("data_offsets", out var offs) || offs.ValueKind != JsonValueKind.Array || offs.GetArrayLength() != 2)
                    throw Bad(8, $"tensor '{name}' needs data_offsets [begin, end]");
                if (!offs[0].TryGetInt64Exactly(out long begin) || !offs[1].TryGetInt64Exactly(out long end))
                    throw Bad(8, $"tensor '{name}' has data_offsets {EventText(offs.GetRawText())} that are not integers");
                if (begin < 0 || end < begin || end > dataLength)
                    throw Bad(dataStart, $"tensor '{name}' data [{begin}, {end}) lies outside the {dataLength} data bytes");
                if (end - begin != count * size)
                    throw Bad(dataStart + begin, $"tensor '{name}' has {end - begin} bytes for shape [{string.Join(", ", shape)}] of {dtype} ({count * size} expected)");
                entries.Add((name, dtype, shape, begin, end));
            }
            foreach (var (name, dtype, shape, begin, end) in entries)
                tensors[name] = new HostTensor(name, shape, Decode(bytes.AsSpan((int)(dataStart + begin), (int)(end - begin)), dtype));
            return (tensors, metadata);
        }
    }

    private static float[] Decode(ReadOnlySpan<byte> span, string dtype)
    {
        int size = DTypes[dtype];
        var data = new float[span.Length / size];
        for (int i = 0; i < data.Length; i++)
        {
            var b = span.Slice(i * size, size);
            data[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(b),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                "I32" => BinaryPrimitives.ReadInt32LittleEndian(b),
                _ => BinaryPrimitives.ReadInt64LittleEndian(b),
            };
        }
        return data;
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    /// <summary>Header text for a message: printable, at most 40 characters.</summary>
    private static string EventText(string text) =>
        new string(text.Take(40).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray()) + (text.Length > 40 ? "..." : "");

    /// <summary>Downloads device tensors into host tensors under their names.</summary>
    public static IEnumerable<HostTensor> FromDevice(IEnumerable<(string Name, Tensor Tensor)> tensors) =>
        tensors.Select(t => new HostTensor(t.Name, t.Tensor.Shape.ToArray(), t.Tensor.ToArray()));
}

/// <summary>JSON number helpers for the readers.</summary>
internal static class JsonNumbers
{
    /// <summary>The value when <paramref name="e"/> is an integer number that fits an int64 (not 0.5, not 1e30, not a string).</summary>
    public static bool TryGetInt64Exactly(this JsonElement e, out long value)
    {
        value = 0;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value);
    }
}
