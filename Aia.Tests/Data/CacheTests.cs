using Aia.Engine.Data;
using Aia.Engine.Data.Datasets;
using NUnit.Framework;

namespace Aia.Tests.Data;

public sealed class CacheTests
{
    private static readonly SensorSize Sensor = new(8, 6);
    private static readonly string[] Classes = ["a", "b", "c"];
    private string dir = "";

    [SetUp]
    public void CreateFolder() => dir = EventFiles.TempFolder();

    [TearDown]
    public void DeleteFolder() => Directory.Delete(dir, recursive: true);

    /// <summary>Sample i: 20 + i events spread over the sensor, label i % 3.</summary>
    private static Events Synthetic(int i)
    {
        var ev = Enumerable.Range(0, 20 + i).Select(k => new Ev((k * 3 + i) % 8, (k + 2 * i) % 6, k * 100, (k + i) % 2)).ToArray();
        return FramingTests.Make(Sensor, ev);
    }

    private static List<EventSample> Samples(int n, Func<int, Events>? load = null) =>
        Enumerable.Range(0, n).Select(i => new EventSample($"sample {i}", i % 3, () => (load ?? Synthetic)(i))).ToList();

    private static readonly FrameSettings Frames = new() { Frames = 4, Height = 8, Width = 6, Resize = ResizeMode.Nearest };
    private static readonly KeyValuePair<string, string>[] Settings = [new("dataset", "synthetic"), new("split", "train")];

    [Test]
    public void BuildsFramesEqualToTheRenderedEvents()
    {
        string path = Path.Combine(dir, "s.frames");
        using var cache = FrameCache.Open(path, Samples(7), Classes, Frames, Settings);
        Assert.That(cache.Built, Is.True);
        Assert.That(cache.Count, Is.EqualTo(7));
        Assert.That(cache.FrameShape, Is.EqualTo(new[] { 4, 2, 8, 6 }));
        Assert.That(cache.ClassNames, Is.EqualTo(Classes));
        for (int i = 0; i < 7; i++)
        {
            var expected = new float[Frames.SampleLength];
            Frames.Render(Synthetic(i), expected);
            var (frames, label) = cache.Get(i);
            Assert.That(frames, Is.EqualTo(expected), $"sample {i}");
            Assert.That(label, Is.EqualTo(i % 3));
        }
    }

    [Test]
    public void ReusedWhenNothingChangedAndRebuiltWhenASettingChanges()
    {
        string path = Path.Combine(dir, "s.frames");
        FrameCache.Open(path, Samples(5), Classes, Frames, Settings).Dispose();
        var written = File.GetLastWriteTimeUtc(path);
        using (var again = FrameCache.Open(path, Samples(5), Classes, Frames, Settings))
        {
            Assert.That(again.Built, Is.False);
            Assert.That(again.BuildReason, Is.Null);
        }
        Assert.That(File.GetLastWriteTimeUtc(path), Is.EqualTo(written));

        using (var moreFrames = FrameCache.Open(path, Samples(5), Classes, Frames with { Frames = 5 }, Settings))
        {
            Assert.That(moreFrames.Built, Is.True);
            Assert.That(moreFrames.BuildReason, Does.Contain("frames 4 -> 5"));
            Assert.That(moreFrames.FrameShape[0], Is.EqualTo(5));
        }
        using (var split = FrameCache.Open(path, Samples(5), Classes, Frames with { Frames = 5, Split = FrameSplit.ByTime }, Settings))
            Assert.That(split.BuildReason, Does.Contain("split ByCount -> ByTime"));
        using (var more = FrameCache.Open(path, Samples(6), Classes, Frames with { Frames = 5, Split = FrameSplit.ByTime }, Settings))
            Assert.That(more.BuildReason, Does.Contain("samples 5 -> 6"));
        using (var source = FrameCache.Open(path, Samples(6), Classes, Frames with { Frames = 5, Split = FrameSplit.ByTime }, [.. Settings, new("source.root", "/elsewhere")]))
            Assert.That(source.BuildReason, Does.Contain("source.root"));
        using (var forced = FrameCache.Open(path, Samples(6), Classes, Frames with { Frames = 5, Split = FrameSplit.ByTime }, [.. Settings, new("source.root", "/elsewhere")], new CacheBuildOptions { Rebuild = true }))
            Assert.That(forced.Built, Is.True);
        Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1), "no temporary files left behind");
    }

    [Test]
    public void ADamagedFileIsRebuilt()
    {
        string path = Path.Combine(dir, "s.frames");
        FrameCache.Open(path, Samples(5), Classes, Frames, Settings).Dispose();
        using (var f = File.OpenWrite(path)) f.SetLength(f.Length - 10);
        Assert.Throws<Engine.IO.FrameCacheException>(() => FrameCache.Read(path));
        using var rebuilt = FrameCache.Open(path, Samples(5), Classes, Frames, Settings);
        Assert.That(rebuilt.Built, Is.True);
        Assert.That(rebuilt.BuildReason, Does.Contain("damaged"));
        File.WriteAllText(path, "not a cache");
        using var again = FrameCache.Open(path, Samples(5), Classes, Frames, Settings);
        Assert.That(again.BuildReason, Does.Contain("not a frame cache"));
    }

    [Test]
    public void BadSamplesAreAllReportedOrSkippedOnRequest()
    {
        Events Load(int i) => i is 1 or 3 ? throw new EventFileException($"/data/bad{i}.bin", 40, "truncated event") : Synthetic(i);
        string path = Path.Combine(dir, "s.frames");
        var x = Assert.Throws<BadSamplesException>(() => FrameCache.Open(path, Samples(5, Load), Classes, Frames, Settings));
        Assert.That(x!.Bad.Select(b => b.Source), Is.EqualTo(new[] { "sample 1", "sample 3" }));
        Assert.That(x.Message, Does.Contain("/data/bad1.bin").And.Contain("/data/bad3.bin").And.Contain("--skip-bad").And.Contain("2 of 5"));
        Assert.That(File.Exists(path), Is.False);

        using var skipped = FrameCache.Open(path, Samples(5, Load), Classes, Frames, Settings, new CacheBuildOptions { SkipBad = true });
        Assert.That(skipped.Count, Is.EqualTo(3));
        Assert.That(skipped.Skipped.Select(s => s.Source), Is.EqualTo(new[] { "sample 1", "sample 3" }));
        Assert.That(Enumerable.Range(0, 3).Select(skipped.Label), Is.EqualTo(new[] { 0, 2, 1 }), "samples 0, 2, 4 keep their labels");
        var expected = new float[Frames.SampleLength];
        Frames.Render(Synthetic(4), expected);
        Assert.That(skipped.Get(2).Frames, Is.EqualTo(expected));
    }

    [Test]
    public void ProgressCountsEverySample()
    {
        int calls = 0, last = 0;
        var build = new CacheBuildOptions { Progress = (done, total) => { Interlocked.Increment(ref calls); Assert.That(total, Is.EqualTo(9)); last = Math.Max(last, done); } };
        FrameCache.Open(Path.Combine(dir, "p.frames"), Samples(9), Classes, Frames, Settings, build).Dispose();
        Assert.That((calls, last), Is.EqualTo((9, 9)));
    }
}
