namespace Aia.Engine.IO;

/// <summary>
/// Reads whole files with a size limit. The size is the one the file system reports when the file is opened: a
/// file over the limit is refused before anything is read, and one that yields bytes past that size (a character
/// device such as <c>/dev/zero</c>, a pipe, a file still being written) is refused instead of being read until
/// memory runs out.
/// </summary>
public static class BoundedFile
{
    /// <summary>
    /// Every byte of <paramref name="path"/>, at most <paramref name="maxBytes"/>; <paramref name="fail"/> makes the
    /// error of the caller's input kind from a problem description.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, Func<string, Exception> fail)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
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
