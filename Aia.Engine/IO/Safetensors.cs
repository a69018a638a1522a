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

    /// <summary>Reads every tensor and the metadata. Corrupt files raise <see cref="InvalidDataException"/> naming the file.</summary>
    public static (Dictionary<string, HostTensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Checkpoint file not found: {path}", path);
        var bytes = File.ReadAllBytes(path);
        InvalidDataException Bad(string why) => new($"{path}: not a valid safetensors file ({why}).");
        if (bytes.Length < 8) throw Bad("shorter than its 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8)) throw Bad($"header length {headerLength} exceeds the file size {bytes.Length}");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength))?.AsObject() ?? throw Bad("empty header");
        }
        catch (JsonException e)
        {
            throw Bad("header is not JSON: " + e.Message);
        }
        long dataStart = 8 + (long)headerLength;
        var tensors = new Dictionary<string, HostTensor>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) metadata[k] = v?.GetValue<string>() ?? "";
                continue;
            }
            var o = node!.AsObject();
            string dtype = o["dtype"]?.GetValue<string>() ?? throw Bad($"tensor '{name}' has no dtype");
            int[] shape = o["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
            var offs = o["data_offsets"]!.AsArray();
            long begin = offs[0]!.GetValue<long>(), end = offs[1]!.GetValue<long>();
            if (begin < 0 || end < begin || dataStart + end > bytes.Length) throw Bad($"tensor '{name}' data [{begin}, {end}) lies outside the file");
            long count = shape.Aggregate(1L, (a, d) => a * d);
            var span = bytes.AsSpan((int)(dataStart + begin), (int)(end - begin));
            int size = dtype switch { "F32" or "I32" => 4, "F64" or "I64" => 8, _ => throw Bad($"tensor '{name}' has unsupported dtype {dtype}") };
            if (span.Length != count * size) throw Bad($"tensor '{name}' has {span.Length} bytes for shape [{string.Join(", ", shape)}] of {dtype}");
            var data = new float[count];
            for (int i = 0; i < count; i++)
            {
                var b = span.Slice(i * size, size);
                data[i] = dtype switch
                {
                    "F32" => BinaryPrimitives.ReadSingleLittleEndian(b),
                    "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
                    "I32" => BinaryPrimitives.ReadInt32LittleEndian(b),
                    _ => BinaryPrimitives.ReadInt64LittleEndian(b),
                };
            }
            tensors[name] = new HostTensor(name, shape, data);
        }
        return (tensors, metadata);
    }

    /// <summary>Downloads device tensors into host tensors under their names.</summary>
    public static IEnumerable<HostTensor> FromDevice(IEnumerable<(string Name, Tensor Tensor)> tensors) =>
        tensors.Select(t => new HostTensor(t.Name, t.Tensor.Shape.ToArray(), t.Tensor.ToArray()));
}
