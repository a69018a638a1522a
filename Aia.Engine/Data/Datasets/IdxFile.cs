using System.Buffers.Binary;
using System.IO.Compression;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed: big-endian magic 0x0000 08 NN (unsigned
/// bytes, NN dimensions), NN big-endian int32 sizes, then the bytes.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads an IDX stream of unsigned bytes; <paramref name="name"/> is used in messages.</summary>
    /// <exception cref="InvalidDataException">Not an unsigned-byte IDX file, or truncated.</exception>
    public static (int[] Dims, byte[] Data) Read(Stream stream, string name)
    {
        var buffered = new BufferedStream(stream);
        Span<byte> head = stackalloc byte[4];
        // exactly two bytes: ReadAtLeast may fill the whole span, and a plain file's next two are read below
        if (buffered.ReadAtLeast(head[..2], 2, throwOnEndOfStream: false) < 2)
            throw new InvalidDataException($"{name}: empty file");
        Stream source = buffered;
        if (head[0] == 0x1F && head[1] == 0x8B)
        {
            buffered.Position = 0;
            source = new GZipStream(buffered, CompressionMode.Decompress);
            head.Clear();
            if (source.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4) throw new InvalidDataException($"{name}: truncated IDX header");
        }
        else if (buffered.ReadAtLeast(head[2..], 2, throwOnEndOfStream: false) < 2)
            throw new InvalidDataException($"{name}: truncated IDX header");
        if (head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] is 0 or > 4)
            throw new InvalidDataException($"{name}: not an unsigned-byte IDX file (magic {Convert.ToHexString(head)})");
        var dims = new int[head[3]];
        Span<byte> size = stackalloc byte[4];
        long length = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (source.ReadAtLeast(size, 4, throwOnEndOfStream: false) < 4) throw new InvalidDataException($"{name}: truncated IDX header");
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(size);
            length *= dims[i];
        }
        if (length < 0 || length > Array.MaxLength) throw new InvalidDataException($"{name}: impossible IDX sizes [{string.Join(", ", dims)}]");
        var data = new byte[length];
        int read = source.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length) throw new InvalidDataException($"{name}: truncated IDX data ({read} of {data.Length} bytes)");
        return (dims, data);
    }
}
