using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Aia.Engine.Data.Datasets;
using Aia.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace Aia.Engine.Data;

/// <summary>
/// One file per dataset split holding every sample's frames, so events are read and framed once. Layout
/// (little-endian): a 64-byte preamble ("AIAFRAME", int32 version, int32 slots, int32 floats per sample,
/// int32 element type 1 = float16, int64 labels offset, int64 header offset, int32 header length), the frames
/// of every slot as float16 from byte 64, int32 labels per slot (-1 = skipped sample), and a UTF-8 JSON header
/// with every setting, the class names, the sample shape and the skipped samples. A file whose settings differ
/// from the requested ones in any way is rebuilt; files are written under a temporary name and renamed, so an
/// interrupted build never leaves a half-written cache.
/// </summary>
public static class FrameCache
{
    /// <summary>Bumped whenever the layout or the framing code changes what a cache holds.</summary>
    public const int FormatVersion = 1;

    private const int PreambleSize = 64;
    private const int ElementHalf = 1;
    private static ReadOnlySpan<byte> Magic => "AIAFRAME"u8;

    /// <summary>
    /// Opens the cache at <paramref name="path"/> if it was built with exactly these settings, else builds it from
    /// <paramref name="samples"/> (in parallel) and opens the result.
    /// </summary>
    /// <exception cref="BadSamplesException">Samples could not be read and <see cref="CacheBuildOptions.SkipBad"/> is off.</exception>
    public static MappedFrameDataset Open(string path, IReadOnlyList<EventSample> samples, string[] classNames,
        FrameSettings frames, IEnumerable<KeyValuePair<string, string>> settings, CacheBuildOptions? build = null)
    {
        frames.Validate();
        build ??= new CacheBuildOptions();
        var wanted = new Dictionary<string, string> { ["cache.version"] = FormatVersion.ToString(), ["samples"] = samples.Count.ToString() };
        foreach (var (k, v) in settings.Concat(frames.Describe())) wanted[k] = v;

        string reason = build.Rebuild ? "rebuild requested" : "no cache file";
        if (!build.Rebuild && File.Exists(path))
        {
            try
            {
                var existing = Read(path);
                reason = Difference(existing.Header.Settings, wanted) ?? "";
                if (reason == "") return existing;
                existing.Dispose();
            }
            catch (FrameCacheException e)
            {
                reason = e.Message;
            }
        }

        var clock = Stopwatch.StartNew();
        var header = new CacheHeader { Settings = wanted, ClassNames = classNames, Shape = frames.Shape };
        Build(path, samples, frames, header, build);
        var built = Read(path);
        built.Built = true;
        built.BuildReason = reason;
        built.BuildTime = clock.Elapsed;
        return built;
    }

    /// <summary>Opens a cache file as it is, after checking every size and the header against each other and the file.</summary>
    /// <exception cref="FrameCacheException">Not a cache file, another version, or damaged (sizes, header fields or labels).</exception>
    public static MappedFrameDataset Read(string path)
    {
        Span<byte> pre = stackalloc byte[PreambleSize];
        CacheHeader header;
        int[] labels;
        FrameCacheException Bad(long offset, string why) => new(path, offset, why);
        using (var f = BoundedFile.OpenRead(path, why => Bad(0, why)))
        {
            long fileLength = f.Length;
            if (f.ReadAtLeast(pre, PreambleSize, throwOnEndOfStream: false) < PreambleSize || !pre[..8].SequenceEqual(Magic))
                throw Bad(0, "not a frame cache file");
            int version = BinaryPrimitives.ReadInt32LittleEndian(pre[8..]);
            int slots = BinaryPrimitives.ReadInt32LittleEndian(pre[12..]);
            int sampleLength = BinaryPrimitives.ReadInt32LittleEndian(pre[16..]);
            int element = BinaryPrimitives.ReadInt32LittleEndian(pre[20..]);
            long labelsAt = BinaryPrimitives.ReadInt64LittleEndian(pre[24..]);
            long headerAt = BinaryPrimitives.ReadInt64LittleEndian(pre[32..]);
            int headerLength = BinaryPrimitives.ReadInt32LittleEndian(pre[40..]);
            if (version != FormatVersion)
                throw Bad(8, $"cache format version {version} (this build reads {FormatVersion})");
            if (slots < 0 || sampleLength <= 0 || sampleLength > FrameSettings.MaxSampleLength || element != ElementHalf || headerLength < 0)
                throw Bad(12, $"damaged: impossible sizes (slots {slots}, sample length {sampleLength}, element type {element}, header length {headerLength})");
            // Every product below fits in a long: slots < 2^31, sampleLength <= 2^26.
            if (labelsAt != PreambleSize + (long)slots * sampleLength * 2 || headerAt != labelsAt + 4L * slots || fileLength != headerAt + headerLength)
                throw Bad(24, "damaged: the sizes do not add up to the file's length");
            var bytes = new byte[fileLength - labelsAt];
            f.Position = labelsAt;
            f.ReadExactly(bytes);
            BoundedFile.CheckEnd(f, fileLength, why => Bad(fileLength, why));
            labels = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(0, 4 * slots)).ToArray();
            try
            {
                header = JsonSerializer.Deserialize<CacheHeader>(bytes.AsSpan(4 * slots)) ?? throw Bad(headerAt, "damaged: the header is null");
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                throw Bad(headerAt, $"damaged header: {Training.Checkpoint.Short(e.Message)}");
            }
            if (header.Settings is null || header.ClassNames is null || header.Shape is null || header.Skipped is null || header.ClassNames.Any(n => n is null))
                throw Bad(headerAt, "damaged header: settings, class names, shape or skipped samples missing");
            if (header.Shape.Length != 4 || header.Shape.Any(d => d <= 0) || header.Shape[1] != 2 ||
                FrameSettings.SizeProblem(header.Shape[0], header.Shape[2], header.Shape[3]) is not null ||
                header.Shape.Aggregate(1L, (a, b) => a * b) != sampleLength)
                throw Bad(headerAt, "damaged header: the sample shape does not match the sample length");
            for (int i = 0; i < slots; i++)
                if (labels[i] < -1 || labels[i] >= header.ClassNames.Length)
                    throw Bad(labelsAt + 4L * i, $"damaged: label {labels[i]} of sample {i} is not one of the {header.ClassNames.Length} classes");
        }
        return new MappedFrameDataset(path, header, labels, PreambleSize);
    }

    /// <summary>The first setting that differs, as "name: old -> new", or null when all agree.</summary>
    private static string? Difference(Dictionary<string, string> have, Dictionary<string, string> want)
    {
        foreach (var key in want.Keys.Union(have.Keys))
        {
            have.TryGetValue(key, out var a);
            want.TryGetValue(key, out var b);
            if (a != b) return $"setting changed: {key} {a ?? "(none)"} -> {b ?? "(none)"}";
        }
        return null;
    }

    private static void Build(string path, IReadOnlyList<EventSample> samples, FrameSettings frames, CacheHeader header, CacheBuildOptions build)
    {
        int n = samples.Count, length = frames.SampleLength;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var labels = new int[n];
        var bad = new ConcurrentBag<(int Index, SkippedSample Sample)>();
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, PreambleSize + (long)n * length * 2))
            {
                int done = 0;
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = build.Threads > 0 ? build.Threads : -1 };
                Parallel.For(0, n, parallel, () => (new float[length], new Half[length]), (i, _, scratch) =>
                {
                    labels[i] = Render(samples[i], frames, scratch.Item1, scratch.Item2, handle, PreambleSize + (long)i * length * 2, bad, i);
                    build.Progress?.Invoke(Interlocked.Increment(ref done), n);
                    return scratch;
                }, _ => { });
                var failed = bad.OrderBy(b => b.Index).Select(b => b.Sample).ToList();
                if (failed.Count > 0 && !build.SkipBad)
                    throw new BadSamplesException($"{header.Settings.GetValueOrDefault("dataset", "the dataset")} {header.Settings.GetValueOrDefault("dataset.split", "")}".Trim(), n, failed);
                header.Skipped = failed;
                WriteTail(handle, n, length, labels, header);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Reads, frames and writes one sample; returns its label, or -1 when it could not be read.</summary>
    private static int Render(EventSample sample, FrameSettings frames, float[] values, Half[] halves, SafeFileHandle file, long offset,
        ConcurrentBag<(int, SkippedSample)> bad, int index)
    {
        try
        {
            frames.Render(sample.Load(), values);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            bad.Add((index, new SkippedSample(sample.Source, e.Message)));
            return -1;
        }
        for (int j = 0; j < values.Length; j++) halves[j] = (Half)Math.Min(values[j], (float)Half.MaxValue);
        RandomAccess.Write(file, MemoryMarshal.AsBytes(halves.AsSpan()), offset);
        return sample.Label;
    }

    private static void WriteTail(SafeFileHandle file, int slots, int length, int[] labels, CacheHeader header)
    {
        long labelsAt = PreambleSize + (long)slots * length * 2, headerAt = labelsAt + 4L * slots;
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, new JsonSerializerOptions { WriteIndented = true });
        RandomAccess.Write(file, MemoryMarshal.AsBytes(labels.AsSpan()), labelsAt);
        RandomAccess.Write(file, json, headerAt);
        var pre = new byte[PreambleSize];
        Magic.CopyTo(pre);
        BinaryPrimitives.WriteInt32LittleEndian(pre.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(pre.AsSpan(12), slots);
        BinaryPrimitives.WriteInt32LittleEndian(pre.AsSpan(16), length);
        BinaryPrimitives.WriteInt32LittleEndian(pre.AsSpan(20), ElementHalf);
        BinaryPrimitives.WriteInt64LittleEndian(pre.AsSpan(24), labelsAt);
        BinaryPrimitives.WriteInt64LittleEndian(pre.AsSpan(32), headerAt);
        BinaryPrimitives.WriteInt32LittleEndian(pre.AsSpan(40), json.Length);
        RandomAccess.Write(file, pre, 0);
        RandomAccess.FlushToDisk(file);
    }
}
