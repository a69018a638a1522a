namespace Aia.Engine.Data.Formats;

/// <summary>The event file formats the readers understand.</summary>
public enum EventFormat
{
    /// <summary>AER-DAT2.0, DVS128 (CIFAR10-DVS): <see cref="AedatReader"/>.</summary>
    AerDat2,

    /// <summary>AEDAT 3.1 polarity packets (DVS128 Gesture): <see cref="Aedat31Reader"/>.</summary>
    Aedat31,

    /// <summary>ATIS 5-byte events (N-MNIST, N-Caltech101): <see cref="AtisBinReader"/>.</summary>
    AtisBin,

    /// <summary>Prophesee Event2D (N-CARS): <see cref="PropheseeDatReader"/>.</summary>
    PropheseeDat,
}

/// <summary>Picks the reader for a file from its first bytes and extension.</summary>
public static class EventFile
{
    /// <summary>
    /// The format of <paramref name="path"/>: "#!AER-DAT2" or "#!AER-DAT3" first lines, a "% " header, else by
    /// extension (.bin = ATIS, .dat = Prophesee).
    /// </summary>
    /// <exception cref="EventFileException">None of the supported formats.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static EventFormat Detect(string path)
    {
        Span<byte> head = stackalloc byte[10];
        int n;
        using (var f = IO.BoundedFile.OpenRead(path, why => new EventFileException(path, 0, why))) n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        string start = new(head[..n].ToArray().Select(b => (char)b).ToArray());
        if (start.StartsWith("#!AER-DAT2", StringComparison.Ordinal)) return EventFormat.AerDat2;
        if (start.StartsWith("#!AER-DAT3", StringComparison.Ordinal)) return EventFormat.Aedat31;
        if (start.StartsWith("% ", StringComparison.Ordinal)) return EventFormat.PropheseeDat;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".bin" => EventFormat.AtisBin,
            ".dat" => EventFormat.PropheseeDat,
            _ => throw new EventFileException(path, 0,
                $"unknown event file format (starts with {Quote(start)}); supported: AER-DAT2.0 and AEDAT 3.1 (.aedat), ATIS (.bin), Prophesee Event2D (.dat)"),
        };
    }

    /// <summary>Reads <paramref name="path"/> with the reader for its format.</summary>
    public static Events Read(string path, SensorSize? sensor = null) => Detect(path) switch
    {
        EventFormat.AerDat2 => AedatReader.Read(path),
        EventFormat.Aedat31 => Aedat31Reader.Read(path, sensor),
        EventFormat.AtisBin => AtisBinReader.Read(path, sensor),
        _ => PropheseeDatReader.Read(path, sensor),
    };

    /// <summary>A short human description of a format.</summary>
    public static string Describe(EventFormat format) => format switch
    {
        EventFormat.AerDat2 => "AER-DAT2.0 (DVS128, e.g. CIFAR10-DVS)",
        EventFormat.Aedat31 => "AEDAT 3.1 polarity packets (e.g. DVS128 Gesture)",
        EventFormat.AtisBin => "ATIS .bin (e.g. N-MNIST, N-Caltech101)",
        _ => "Prophesee Event2D .dat (e.g. N-CARS)",
    };

    /// <summary>Quotes header text for an error message (printable characters only, at most 40).</summary>
    internal static string Quote(string? text)
    {
        if (text is null) return "no header line";
        var printable = new string(text.Take(40).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        return $"'{printable}{(text.Length > 40 ? "..." : "")}'";
    }
}
