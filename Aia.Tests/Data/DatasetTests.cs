using Aia.Engine.Data;
using Aia.Engine.Data.Datasets;
using NUnit.Framework;

namespace Aia.Tests.Data;

public sealed class DatasetTests
{
    private string root = "";
    private string cache = "";

    [SetUp]
    public void CreateFolders()
    {
        root = EventFiles.TempFolder();
        cache = Path.Combine(root, "cache");
    }

    [TearDown]
    public void DeleteFolders() => Directory.Delete(root, recursive: true);

    private DatasetOptions Options(bool skipBad = false) =>
        new() { CacheDirectory = cache, Frames = 2, Height = 16, Width = 16, SkipBad = skipBad };

    private static Ev[] Events(int seed, int max) =>
        Enumerable.Range(0, 30).Select(k => new Ev((k * 7 + seed) % max, (k * 3 + seed) % max, k * 50, (k + seed) % 2)).ToArray();

    private static byte[] Atis(int seed, int max) => EventFiles.Atis(Events(seed, max).Select(e => (Ev?)e));

    [Test]
    public void Cifar10DvsOrderedRuleSplitsNineToOnePerClassInFileNumberOrder()
    {
        foreach (var (c, files) in new[] { ("airplane", 10), ("bird", 10), ("cat", 12) })
            for (int i = 0; i < files; i++)
                EventFiles.Write(root, $"{c}/cifar10_{c}_{i}.aedat", EventFiles.AerDat2(Events(i, 128)));
        var corpus = DatasetCatalog.Scan("cifar10-dvs", root, new DatasetOptions { SplitRule = "ordered" });
        Assert.That(corpus.ClassNames, Is.EqualTo(new[] { "airplane", "bird", "cat" }));
        Assert.That((corpus.Train.Count, corpus.Test.Count), Is.EqualTo((9 + 9 + 10, 1 + 1 + 2)));
        Assert.That(corpus.Test.Select(s => Path.GetFileName(s.Source)),
            Is.EqualTo(new[] { "cifar10_airplane_9.aedat", "cifar10_bird_9.aedat", "cifar10_cat_10.aedat", "cifar10_cat_11.aedat" }),
            "natural order: file 10 comes after file 9");
        Assert.That(corpus.Train.Count(s => s.Label == 2), Is.EqualTo(10));

        using var splits = DatasetCatalog.Open("cifar10-dvs", root, Options() with { SplitRule = "ordered" });
        Assert.That((splits.Train.Count, splits.Test.Count), Is.EqualTo((28, 4)));
        Assert.That(splits.Train.FrameShape, Is.EqualTo(new[] { 2, 2, 16, 16 }));
        Assert.That(splits.Test.Get(0).Frames.Sum(), Is.GreaterThan(0));
        Assert.That(File.Exists(Path.Combine(cache, "cifar10-dvs-train.frames")), Is.True);
    }

    [Test]
    public void Cifar10DvsDefaultSplitIsSeededNineToOnePerClass()
    {
        foreach (var c in new[] { "airplane", "bird" })
            for (int i = 0; i < 20; i++)
                EventFiles.Write(root, $"{c}/cifar10_{c}_{i}.aedat", EventFiles.AerDat2(Events(i, 128)));
        string[] Test(int seed) => DatasetCatalog.Scan("cifar10-dvs", root, new DatasetOptions { SplitSeed = seed }).Test.Select(s => Path.GetFileName(s.Source)).ToArray();
        var corpus = DatasetCatalog.Scan("cifar10-dvs", root);
        Assert.That(corpus.Test.Count(s => s.Label == 0), Is.EqualTo(2));
        Assert.That(corpus.Test.Count(s => s.Label == 1), Is.EqualTo(2));
        Assert.That(corpus.Train.Select(s => s.Source).Intersect(corpus.Test.Select(s => s.Source)), Is.Empty);
        Assert.That(corpus.Train.Count + corpus.Test.Count, Is.EqualTo(40));
        Assert.That(Test(1), Is.EqualTo(Test(1)), "the same seed gives the same split");
        Assert.That(Test(1), Is.Not.EqualTo(Test(2)), "another seed another split");
        Assert.That(Test(1), Is.Not.EqualTo(new[] { "cifar10_airplane_18.aedat", "cifar10_airplane_19.aedat", "cifar10_bird_18.aedat", "cifar10_bird_19.aedat" }),
            "not the ordered split");
        Assert.That(corpus.Settings.Single(s => s.Key == "split.rule").Value, Does.Contain("seeded").And.Contain("seed 1"));
    }

    [Test]
    public void Cifar10DvsTebnRuleTakesTheFirstHundredPerClassAsTest()
    {
        for (int i = 0; i < 110; i++)
            EventFiles.Write(root, $"cat/cifar10_cat_{i}.aedat", EventFiles.AerDat2(Events(i, 128)));
        var corpus = DatasetCatalog.Scan("CIFAR10DVS", root, new DatasetOptions { SplitRule = "tebn" });
        Assert.That(corpus.Test.Select(s => Path.GetFileName(s.Source)), Is.EqualTo(Enumerable.Range(0, 100).Select(i => $"cifar10_cat_{i}.aedat")));
        Assert.That(corpus.Train.Select(s => Path.GetFileName(s.Source)), Is.EqualTo(Enumerable.Range(100, 10).Select(i => $"cifar10_cat_{i}.aedat")));
        Assert.Throws<ArgumentException>(() => DatasetCatalog.Scan("cifar10-dvs", root, new DatasetOptions { SplitRule = "random" }));
    }

    [Test]
    public void IdxFilesReadPlainAndGzipped()
    {
        byte[] plain = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, .. Enumerable.Range(1, 12).Select(i => (byte)i)];
        var packed = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(plain);
        foreach (var bytes in new[] { plain, packed.ToArray() })
        {
            var (dims, data) = IdxFile.Read(new MemoryStream(bytes), "test-images");
            Assert.That(dims, Is.EqualTo(new[] { 2, 2, 3 }));
            Assert.That(data, Is.EqualTo(Enumerable.Range(1, 12).Select(i => (byte)i)));
        }
    }

    [TestCase("NMNIST", "n-mnist")]
    [TestCase("nmnist", "n-mnist")]
    [TestCase("NCARS", "n-cars")]
    [TestCase("ncars", "n-cars")]
    [TestCase("CIFAR10DVS", "cifar10-dvs")]
    [TestCase("cifar10dvs", "cifar10-dvs")]
    [TestCase("NCALTECH101", "n-caltech101")]
    [TestCase("DVSGesture", "dvs-gesture")]
    [TestCase("dvs128_gesture", "dvs-gesture")]
    [TestCase("N-MNIST", "n-mnist")]
    public void TonicSpellingsFindTheDataset(string spelling, string name) =>
        Assert.That(DatasetCatalog.Find(spelling).Name, Is.EqualTo(name));

    [Test]
    public void UnknownDatasetNamesAreRejected() =>
        Assert.That(Assert.Throws<ArgumentException>(() => DatasetCatalog.Find("imagenet-dvs"))!.Message, Does.Contain("n-mnist"));

    [TestCase("cifar10-dvs", "flip-roll", true, 5)]
    [TestCase("n-caltech101", "flip-roll", true, 5)]
    [TestCase("n-cars", "flip-roll", true, 5)]
    [TestCase("n-mnist", "roll:2", false, 2)]
    [TestCase("dvs-gesture", "roll", false, 5)]
    [TestCase("fashion-mnist-dvs", "none", false, 0)]
    public void EachDatasetHasItsAugmentation(string dataset, string policy, bool flips, int shift)
    {
        var chosen = Aia.Engine.Training.Trainer.AugmentationOf(new Aia.Engine.Training.TrainingConfig { Dataset = dataset });
        Assert.That(chosen.Name, Is.EqualTo(policy));
        Assert.That(chosen.Flip, Is.EqualTo(flips), "digits and gestures are never mirrored");
        Assert.That(chosen.MaxShift, Is.EqualTo(shift));
        var nda = Aia.Engine.Training.Trainer.AugmentationOf(new Aia.Engine.Training.TrainingConfig { Dataset = dataset, Augmentation = "nda" });
        Assert.That(nda.Flip, Is.EqualTo(flips), "NDA flips only where the dataset's default does");
        Assert.That(nda.CutMixProbability, Is.GreaterThan(0));
        Assert.That(Aia.Engine.Training.Trainer.AugmentationOf(new Aia.Engine.Training.TrainingConfig { Dataset = dataset, Augment = false }).Enabled, Is.False);
    }

    [Test]
    public void NCaltech101LeavesOutTheBackgroundUnlessAsked()
    {
        foreach (var (c, files) in new[] { ("BACKGROUND_Google", 10), ("accordion", 20), ("airplanes", 10) })
            for (int i = 1; i <= files; i++)
                EventFiles.Write(root, $"Caltech101/{c}/image_{i:D4}.bin", Atis(i, 180));
        var corpus = DatasetCatalog.Scan("n-caltech101", root);
        Assert.That(corpus.ClassNames, Is.EqualTo(new[] { "accordion", "airplanes" }));
        Assert.That((corpus.Train.Count, corpus.Test.Count), Is.EqualTo((18 + 9, 2 + 1)));
        var all = DatasetCatalog.Scan("n-caltech101", root, new DatasetOptions { IncludeBackground = true });
        Assert.That(all.ClassNames, Has.Length.EqualTo(3));
        Assert.That(corpus.Sensor, Is.EqualTo(new SensorSize(240, 180)));
    }

    [Test]
    public void NCarsAndNMnistUseTheOfficialFolders()
    {
        string cars = Path.Combine(root, "ncars");
        foreach (var (split, n) in new[] { ("n-cars_train", 3), ("n-cars_test", 2) })
            foreach (var c in new[] { "cars", "background" })
                for (int i = 0; i < n; i++)
                    EventFiles.Write(cars, $"{split}/{c}/obj_{i:D6}_td.dat", EventFiles.Prophesee(Events(i, 100), ["% Date 2016"]));
        var ncars = DatasetCatalog.Scan("n-cars", cars);
        Assert.That(ncars.ClassNames, Is.EqualTo(new[] { "background", "cars" }));
        Assert.That((ncars.Train.Count, ncars.Test.Count), Is.EqualTo((6, 4)));
        Assert.That(ncars.Train.Where(s => s.Source.Contains("/cars/")).Select(s => s.Label), Is.All.EqualTo(1));

        string mnist = Path.Combine(root, "nmnist");
        foreach (var (split, n) in new[] { ("Train", 4), ("Test", 2) })
            for (int d = 0; d < 10; d++)
                for (int i = 0; i < n; i++)
                    EventFiles.Write(mnist, $"{split}/{d}/{i:D5}.bin", Atis(i + d, 34));
        using var splits = DatasetCatalog.Open("n-mnist", mnist, Options() with { Limit = 3 });
        Assert.That((splits.Train.Count, splits.Test.Count), Is.EqualTo((30, 20)));
        Assert.That(splits.Train.ClassNames, Is.EqualTo(Enumerable.Range(0, 10).Select(d => d.ToString())));
        Assert.That(Enumerable.Range(0, 30).Select(splits.Train.Label), Is.EqualTo(Enumerable.Range(0, 30).Select(i => i / 3)));
    }

    [Test]
    public void DvsGestureCutsOneSamplePerLabelRow()
    {
        Ev[] events = Enumerable.Range(0, 100).Select(k => new Ev(k % 128, 5, k * 1000, k % 2)).ToArray();
        byte[] file = [.. EventFiles.Aedat31Header(), .. EventFiles.Aedat31Polarity(events[..60]), .. EventFiles.Aedat31Polarity(events[60..])];
        EventFiles.Write(root, "user01_fluorescent.aedat", file);
        EventFiles.Write(root, "user01_fluorescent_labels.csv", "class,startTime_usec,endTime_usec\n1,0,30000\n11,30000,95000\n"u8.ToArray());
        EventFiles.Write(root, "user02_led.aedat", file);
        EventFiles.Write(root, "user02_led_labels.csv", "class,startTime_usec,endTime_usec\n3,10000,20000\n"u8.ToArray());
        EventFiles.Write(root, "trials_to_train.txt", "user01_fluorescent.aedat\n"u8.ToArray());
        EventFiles.Write(root, "trials_to_test.txt", "user02_led.aedat\n"u8.ToArray());
        var corpus = DatasetCatalog.Scan("dvs-gesture", root);
        Assert.That(corpus.Train.Select(s => s.Label), Is.EqualTo(new[] { 0, 10 }));
        Assert.That(corpus.Test.Select(s => s.Label), Is.EqualTo(new[] { 2 }));
        Assert.That(corpus.Train.Select(s => s.Load().Count), Is.EqualTo(new[] { 30, 65 }));
        Assert.That(corpus.Test[0].Load().T, Is.EqualTo(Enumerable.Range(10, 10).Select(k => k * 1000L)));
        Assert.That(corpus.ClassNames, Has.Length.EqualTo(11));
    }

    [Test]
    public void ABadFileFailsTheBuildNamingItOrIsSkippedOnRequest()
    {
        for (int d = 0; d < 2; d++)
            for (int i = 0; i < 3; i++)
                EventFiles.Write(root, $"Train/{d}/{i}.bin", Atis(i, 34));
        EventFiles.Write(root, "Test/0/0.bin", Atis(0, 34));
        string bad = EventFiles.Write(root, "Train/1/9.bin", Atis(1, 34)[..^2]);
        var x = Assert.Throws<BadSamplesException>(() => DatasetCatalog.Open("n-mnist", root, Options()));
        Assert.That(x!.Message, Does.Contain(bad).And.Contain("truncated"));
        using var splits = DatasetCatalog.Open("n-mnist", root, Options(skipBad: true));
        Assert.That(splits.Train.Count, Is.EqualTo(6));
        Assert.That(splits.Train.Skipped.Single().Source, Is.EqualTo(bad));
    }

    [Test]
    public void MissingFoldersAndUnknownNamesAreClearErrors()
    {
        var missing = Assert.Throws<DirectoryNotFoundException>(() => DatasetCatalog.Scan("n-mnist", Path.Combine(root, "nowhere")));
        Assert.That(missing!.Message, Does.Contain("nowhere").And.Contain("Train"));
        Assert.That(Assert.Throws<ArgumentException>(() => DatasetCatalog.Scan("cifar100-dvs", root))!.Message, Does.Contain("cifar10-dvs"));
        Assert.That(Assert.Throws<ArgumentException>(() => DatasetCatalog.Scan("n-cars", null))!.Message, Does.Contain("--root"));
    }

    [Test]
    public void TheBundledDefaultNeedsNoRootAndIsDeterministic()
    {
        var options = new DatasetOptions { CacheDirectory = cache, Limit = 2 };
        byte[] first;
        using (var splits = DatasetCatalog.Open(DatasetCatalog.DefaultName, null, options))
        {
            Assert.That((splits.Train.Count, splits.Test.Count), Is.EqualTo((20, 20)));
            Assert.That(splits.Train.FrameShape, Is.EqualTo(new[] { 6, 2, 32, 32 }));
            Assert.That(splits.Train.ClassNames, Is.EqualTo(FashionMnistDvs.ClassNames));
            Assert.That(Enumerable.Range(0, 20).Select(splits.Train.Label).Distinct().Count(), Is.EqualTo(10));
            var (frames, _) = splits.Train.Get(0);
            Assert.That(frames.Sum(), Is.GreaterThan(1000), "an emulated garment fires");
            Assert.That(frames.Skip(frames.Length / 2).Sum(), Is.GreaterThan(100), "in the later frames too");
            first = File.ReadAllBytes(splits.Train.Path);
        }
        using var again = DatasetCatalog.Open(DatasetCatalog.DefaultName, null, options with { Rebuild = true });
        Assert.That(File.ReadAllBytes(again.Train.Path), Is.EqualTo(first), "rebuilt byte for byte");
    }
}
