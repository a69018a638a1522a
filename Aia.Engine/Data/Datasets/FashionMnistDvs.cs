using System.Reflection;
using System.Security.Cryptography;
using Aia.Engine.IO;

namespace Aia.Engine.Data.Datasets;

/// <summary>
/// The bundled default: Fashion-MNIST images turned into events by the <see cref="EventEmulator"/> (N-MNIST
/// saccades on a 34x34 sensor by default). Without a root it uses the class-balanced subset embedded in the
/// engine (600 train + 100 test images per class, see data/README.md); with a root it reads
/// <c>train-images-idx3-ubyte[.gz]</c>, <c>train-labels-idx1-ubyte[.gz]</c>, <c>t10k-...</c> from that folder
/// (for example the full Fashion-MNIST, or MNIST).
/// </summary>
public static class FashionMnistDvs
{
    /// <summary>Fashion-MNIST's classes, by label.</summary>
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>MNIST's classes.</summary>
    public static readonly string[] DigitNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>
    /// Lists the samples (images to emulate) of the bundled subset, or of the IDX files in <paramref name="root"/>
    /// named <paramref name="classNames"/> (default Fashion-MNIST's) under the dataset name <paramref name="name"/>.
    /// </summary>
    public static EventCorpus Scan(string? root, DatasetOptions options, string name = "fashion-mnist-dvs", string[]? classNames = null)
    {
        classNames ??= ClassNames;
        var emulator = new EventEmulator(options.Emulator);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var train = Split(root, "train", emulator, hash, 0);
        var test = Split(root, "t10k", emulator, hash, 1L << 32);
        if (Math.Max(train.Classes, test.Classes) > classNames.Length)
            throw new InvalidDataException($"{name}: labels go up to {Math.Max(train.Classes, test.Classes) - 1}, but there are {classNames.Length} class names.");
        return new EventCorpus(name, classNames, options.Emulator.Sensor, train.Samples, test.Samples,
            [new("source", root is null ? "bundled subset" : Path.GetFullPath(root)), new("source.sha256", Convert.ToHexString(hash.GetHashAndReset())),
                .. options.Emulator.Describe()]);
    }

    private static (List<EventSample> Samples, int Classes) Split(string? root, string prefix, EventEmulator emulator, IncrementalHash hash, long seedBase)
    {
        var (imageDims, images) = Load(root, $"{prefix}-images-idx3-ubyte", hash);
        var (labelDims, labels) = Load(root, $"{prefix}-labels-idx1-ubyte", hash);
        if (imageDims.Length != 3 || labelDims.Length != 1 || imageDims[0] != labelDims[0])
            throw new InvalidDataException($"{prefix}: images [{string.Join(", ", imageDims)}] and labels [{string.Join(", ", labelDims)}] do not match.");
        var (h, w) = (imageDims[1], imageDims[2]);
        if (h > FrameSettings.MaxSide || w > FrameSettings.MaxSide)
            throw new InvalidDataException($"{prefix}: images of {h}x{w} pixels; at most {FrameSettings.MaxSide} per side.");
        var samples = new List<EventSample>(labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            int index = i;
            samples.Add(new EventSample($"{prefix} image {i}", labels[i],
                () => emulator.Emulate(images.AsSpan(index * h * w, h * w), h, w, seedBase + index)));
        }
        return (samples, labels.Length == 0 ? 0 : labels.Max() + 1);
    }

    /// <summary>Largest IDX file read (the MNIST training images are 47 MB).</summary>
    private const long MaxIdxBytes = 1L << 30;

    private static (int[] Dims, byte[] Data) Load(string? root, string name, IncrementalHash hash)
    {
        byte[] raw;
        if (root is null)
        {
            using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream($"fashion-mnist/{name}.gz")
                ?? throw new InvalidOperationException($"The bundled {name}.gz is missing from the engine assembly.");
            raw = new byte[resource.Length];
            resource.ReadExactly(raw);
        }
        else
        {
            string path = new[] { Path.Combine(root, name), Path.Combine(root, name + ".gz") }.FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException($"fashion-mnist-dvs: neither {name} nor {name}.gz in {root}.", Path.Combine(root, name));
            raw = BoundedFile.ReadAllBytes(path, MaxIdxBytes, why => new DatasetFileException(path, null, why));
            name = path;
        }
        hash.AppendData(raw);
        return IdxFile.Read(new MemoryStream(raw), name);
    }
}
