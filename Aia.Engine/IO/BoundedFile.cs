using System.Runtime.InteropServices;

namespace Aia.Engine.IO;

/// <summary>
/// Reads whole files with a size limit. The size is the one the file system reports when the file is opened: a
/// file over the limit is refused before anything is read, and one that yields bytes past that size (a character
/// device such as <c>/dev/zero</c>, a pipe, a file still being written) is refused instead of being read until
/// memory runs out.
/// </summary>
public static partial class BoundedFile
{
    /// <summary>
    /// Every byte of <paramref name="path"/>, at most <paramref name="maxBytes"/>; <paramref name="fail"/> makes the
    /// error of the caller's input kind from a problem description.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, Func<string, Exception> fail)
    {
        using var f = OpenRead(path, fail);
        long length = f.Length;
        if (length > maxBytes)
            throw fail($"the file is {length:N0} bytes, more than the {maxBytes:N0} this kind of file may have");
        var bytes = new byte[length];
        int read = f.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < length)
            throw fail($"the file shrank while being read ({read:N0} of {length:N0} bytes)");
        CheckEnd(f, length, fail);
        return bytes;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading, refusing a folder and (on Linux, where opening one would wait for a
    /// writer forever) a named pipe or socket.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static FileStream OpenRead(string path, Func<string, Exception> fail)
    {
        if (Directory.Exists(path)) throw fail("is a folder, not a file");
        if (OperatingSystem.IsLinux() && File.Exists(path) && !Seekable(path))
            throw fail("not a regular file (a pipe or socket cannot be read as a file of known size)");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    }

    /// <summary>Whether the file can be opened without waiting and seeked (false for pipes and sockets).</summary>
    private static bool Seekable(string path)
    {
        const int readOnlyNonBlocking = 0x800; // O_RDONLY | O_NONBLOCK on Linux
        int fd = Open(path, readOnlyNonBlocking);
        if (fd < 0) return true; // let the ordinary open report why it cannot be opened
        try
        {
            return Seek(fd, 0, 2) >= 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "lseek")]
    private static partial long Seek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>The file as UTF-8 text, at most <paramref name="maxBytes"/> (see <see cref="ReadAllBytes"/>).</summary>
    public static string ReadAllText(string path, long maxBytes, Func<string, Exception> fail) =>
        System.Text.Encoding.UTF8.GetString(ReadAllBytes(path, maxBytes, fail));

    /// <summary>Throws when <paramref name="f"/>, positioned at its reported <paramref name="length"/>, still yields bytes.</summary>
    public static void CheckEnd(Stream f, long length, Func<string, Exception> fail)
    {
        Span<byte> one = stackalloc byte[1];
        if (f.Read(one) > 0)
            throw fail($"reads past its reported size of {length:N0} bytes (a device, a pipe or a file still being written?); give a regular file");
    }
}
