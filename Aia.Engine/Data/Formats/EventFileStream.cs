using System.Text;

namespace Aia.Engine.Data.Formats;

/// <summary>
/// A forward-only buffered view of an event file for the readers: header lines, fixed-size headers and runs of
/// fixed-size records, read in 64 KiB chunks (the file is never copied whole). Every read knows its byte offset,
/// so a short or malformed file raises an <see cref="EventFileException"/> that says where.
/// </summary>
internal sealed class EventFileStream : IDisposable
{
    private const int BufferSize = 1 << 16;
    private const int MaxHeaderLine = 1 << 20;
    private readonly FileStream file;
    private readonly byte[] buffer = new byte[BufferSize];
    private int start, end;
    private long bufferOffset;

    public EventFileStream(string path)
    {
        Path = path;
        file = IO.BoundedFile.OpenRead(path, why => Error(0, why));
        try
        {
            Length = file.Length;
            // Reads never go past the size reported at open; a "file" that yields bytes there is a device or a pipe
            // (/dev/zero would otherwise be read until memory runs out).
            if (!file.CanSeek) throw Error(0, "not a regular file (cannot seek); give an event file");
            file.Position = Length;
            IO.BoundedFile.CheckEnd(file, Length, why => Error(Length, why));
            file.Position = 0;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The file's path, for messages.</summary>
    public string Path { get; }

    /// <summary>File size in bytes.</summary>
    public long Length { get; }

    /// <summary>Offset of the next unread byte.</summary>
    public long Position => bufferOffset + start;

    /// <summary>Bytes not yet read.</summary>
    public long Remaining => Length - Position;

    /// <summary>An error at <paramref name="offset"/> of this file.</summary>
    public EventFileException Error(long offset, string problem) => new(Path, offset, problem);

    /// <summary>The next byte without consuming it, or -1 at the end.</summary>
    public int Peek() => Available(1) >= 1 ? buffer[start] : -1;

    /// <summary>
    /// Reads one header line if the next byte is <paramref name="marker"/> (line ends at '\n', CR and LF trimmed,
    /// Latin-1), else returns null and consumes nothing.
    /// </summary>
    public string? ReadHeaderLine(byte marker)
    {
        if (Peek() != marker) return null;
        long lineStart = Position;
        var line = new StringBuilder();
        while (true)
        {
            if (Available(1) == 0) break;
            byte b = buffer[start++];
            if (b == (byte)'\n') break;
            if (line.Length >= MaxHeaderLine)
                throw Error(lineStart, $"header line longer than {MaxHeaderLine} bytes (not an event file of this format?)");
            line.Append((char)b);
        }
        return line.ToString().TrimEnd('\r');
    }

    /// <summary>Reads exactly <paramref name="target"/>.Length bytes or throws naming <paramref name="what"/>.</summary>
    public void ReadExactly(Span<byte> target, string what)
    {
        long at = Position;
        if (Remaining < target.Length)
            throw Error(at, $"truncated {what}: needs {target.Length} bytes, only {Remaining} left");
        int done = 0;
        while (done < target.Length)
        {
            int n = Math.Min(Available(target.Length - done), target.Length - done);
            buffer.AsSpan(start, n).CopyTo(target[done..]);
            start += n;
            done += n;
        }
    }

    /// <summary>Skips <paramref name="count"/> bytes (clamped to the file's end).</summary>
    public void Skip(long count)
    {
        long inBuffer = Math.Min(count, end - start);
        start += (int)inBuffer;
        count -= inBuffer;
        if (count <= 0) return;
        bufferOffset = Math.Min(Length, Position + count);
        start = end = 0;
        file.Position = bufferOffset;
    }

    /// <summary>
    /// The next run of whole <paramref name="recordSize"/>-byte records, at most <paramref name="maxBytes"/> bytes,
    /// valid until the next call; empty at the end of the file. A trailing partial record is reported as a
    /// truncated <paramref name="what"/> at its offset.
    /// </summary>
    public ReadOnlySpan<byte> ReadRecords(int recordSize, long maxBytes, string what, out long offset)
    {
        offset = Position;
        int want = (int)Math.Min(maxBytes, BufferSize);
        if (want < recordSize) return [];
        int have = Available(recordSize);
        if (have == 0) return [];
        if (have < recordSize)
            throw Error(offset, $"truncated {what}: {have} of its {recordSize} bytes present");
        int n = Math.Min(have, want) / recordSize * recordSize;
        var span = buffer.AsSpan(start, n);
        start += n;
        return span;
    }

    /// <summary>Makes at least <paramref name="min"/> bytes available when the file has them; returns how many are.</summary>
    private int Available(int min)
    {
        if (end - start >= min) return end - start;
        bufferOffset += start;
        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
        while (end < BufferSize)
        {
            int n = file.Read(buffer, end, (int)Math.Min(BufferSize - end, Length - (bufferOffset + end)));
            if (n == 0) break;
            end += n;
            if (end >= min) break;
        }
        return end;
    }

    public void Dispose() => file.Dispose();
}
