using System.Buffers.Binary;
using System.IO.Compression;
using Aia.Engine.IO;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed: big-endian magic 0x0000 08 NN (unsigned
/// bytes, NN dimensions), NN big-endian int32 sizes, then the bytes.
/// </summary>
public static class IdxFile
{
    /// <summary>Largest ratio of decompressed to compressed size that deflate can reach (so a header cannot ask for more).</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>
    /// Reads an IDX stream of unsigned bytes; <paramref name="name"/> (the file) is used in messages. Every dimension
    /// must be positive and their product must fit in what the stream can hold (its length, or its length times
    /// deflate's largest ratio when compressed), so a damaged header cannot make it allocate more.
    /// </summary>
    /// <exception cref="DatasetFileException">Not an unsigned-byte IDX file, impossible sizes, truncated, or bad gzip data.</exception>
    public static (int[] Dims, byte[] Data) Read(Stream stream, string name)
    {
        try
        {
            return ReadChecked(stream, name);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFileException(name, null, $"not a readable IDX file ({e.Message.TrimEnd('.')})", e);
        }
    }

    private static (int[] Dims, byte[] Data) ReadChecked(Stream stream, string name)
    {
        DatasetFileException Bad(long? offset, string why) => new(name, offset, why);
        long available = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        var buffered = new BufferedStream(stream);
        Span<byte> head = stackalloc byte[4];
        int got = buffered.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (got == 0) throw Bad(0, "empty file");
        Stream source = buffered;
        bool compressed = got >= 2 && head[0] == 0x1F && head[1] == 0x8B;
        if (compressed)
        {
            buffered.Position = 0;
            source = new GZipStream(buffered, CompressionMode.Decompress);
            got = source.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        }
        if (got < 4) throw Bad(0, "truncated IDX header");
        if (head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] is 0 or > 4)
            throw Bad(0, $"not an unsigned-byte IDX file (magic {Convert.ToHexString(head)})");
        var dims = new int[head[3]];
        Span<byte> size = stackalloc byte[4];
        long length = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (source.ReadAtLeast(size, 4, throwOnEndOfStream: false) < 4) throw Bad(4 + 4 * i, "truncated IDX header");
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(size);
            if (dims[i] <= 0) throw Bad(4 + 4 * i, $"dimension {i} is {dims[i]}; IDX sizes must be positive");
            length = Math.Min(length * dims[i], long.MaxValue / int.MaxValue);
        }
        long limit = Math.Min(Array.MaxLength, compressed ? available * MaxDeflateRatio : available - 4 - 4L * dims.Length);
        if (length > limit)
            throw Bad(4, $"sizes [{string.Join(", ", dims)}] need {length:N0} bytes, more than the file can hold");
        var data = new byte[length];
        int read = source.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length) throw Bad(null, $"truncated IDX data ({read} of {data.Length} bytes)");
        return (dims, data);
    }
}
