using System.Buffers.Binary;

namespace Aia.Tests.Fuzz;

/// <summary>
/// Seeded mutations of a valid file: bit flips, bytes set to 0x00 / 0xFF / random, truncation at every region
/// boundary and at random points, 4- and 8-byte fields overwritten with huge or negative counts, and chunks
/// duplicated or removed. The same (file, seed) always gives the same mutant, so a failure names its case.
/// </summary>
public static class Mutator
{
    private static readonly ulong[] HugeValues =
        [0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0x00010000, 46341, 65536, 16384];

    /// <summary>Mutant number <paramref name="seed"/> of <paramref name="valid"/>, with a description; <paramref name="regions"/> are the byte offsets where the format's parts begin.</summary>
    public static (byte[] Bytes, string What) Mutate(byte[] valid, IReadOnlyList<int> regions, int seed)
    {
        var rng = new Random(seed);
        // The first cases truncate at every region boundary (and one byte either side), then random mutations.
        var cuts = regions.SelectMany(r => new[] { r - 1, r, r + 1 }).Where(c => c >= 0 && c < valid.Length).Distinct().Order().ToArray();
        if (seed < cuts.Length)
            return (valid[..cuts[seed]], $"truncated at {cuts[seed]}");
        var b = (byte[])valid.Clone();
        if (b.Length == 0) return (b, "empty");
        switch (rng.Next(7))
        {
            case 0:
            {
                int flips = 1 + rng.Next(8);
                for (int i = 0; i < flips; i++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                return (b, $"{flips} bit flips");
            }
            case 1:
            {
                int at = rng.Next(b.Length), n = 1 + rng.Next(Math.Min(16, b.Length - at));
                byte v = rng.Next(3) switch { 0 => 0, 1 => 0xFF, _ => (byte)rng.Next(256) };
                b.AsSpan(at, n).Fill(v);
                return (b, $"{n} bytes at {at} set to {v}");
            }
            case 2:
            {
                int at = rng.Next(b.Length);
                return (b[..at], $"truncated at {at}");
            }
            case 3:
            case 4:
            {
                // A field near a region start (where headers keep their counts) or anywhere, set to a huge or negative value.
                int at = rng.Next(2) == 0 && regions.Count > 0 ? Math.Clamp(regions[rng.Next(regions.Count)] + 4 * rng.Next(8), 0, b.Length - 1) : rng.Next(b.Length);
                ulong v = HugeValues[rng.Next(HugeValues.Length)];
                int width = rng.Next(2) == 0 ? 4 : 8;
                if (at + width > b.Length) at = Math.Max(0, b.Length - width);
                if (b.Length < width) return (b, "too short for a field");
                bool big = rng.Next(2) == 0;
                if (width == 4 && big) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), (uint)v);
                else if (width == 4) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), (uint)v);
                else if (big) BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(at), v);
                else BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v);
                return (b, $"{width}-byte {(big ? "big" : "little")}-endian field at {at} set to {v}");
            }
            case 5:
            {
                int at = rng.Next(b.Length), n = 1 + rng.Next(Math.Min(64, b.Length - at));
                var chunk = b.AsSpan(at, n).ToArray();
                return ([.. b[..at], .. chunk, .. b[at..]], $"{n} bytes at {at} duplicated");
            }
            default:
            {
                int at = rng.Next(b.Length), n = 1 + rng.Next(Math.Min(64, b.Length - at));
                return ([.. b[..at], .. b[(at + n)..]], $"{n} bytes at {at} removed");
            }
        }
    }

    /// <summary>Mutant <paramref name="seed"/> of a text (JSON) document: characters flipped, removed, duplicated, numbers made huge, values nulled.</summary>
    public static (string Text, string What) MutateText(string valid, int seed)
    {
        var rng = new Random(seed);
        if (valid.Length == 0) return (valid, "empty");
        int at = rng.Next(valid.Length);
        switch (rng.Next(6))
        {
            case 0:
                return (valid[..at], $"truncated at {at}");
            case 1:
            {
                var c = valid.ToCharArray();
                c[at] = "{}[],:\"0-9.eE nulltrue\\"[rng.Next(22)];
                return (new string(c), $"character {at} replaced");
            }
            case 2:
                return (valid.Remove(at, Math.Min(1 + rng.Next(8), valid.Length - at)), $"characters at {at} removed");
            case 3:
            {
                var numbers = System.Text.RegularExpressions.Regex.Matches(valid, @"-?\d+(\.\d+)?");
                if (numbers.Count == 0) goto case 1;
                var m = numbers[rng.Next(numbers.Count)];
                string[] huge = ["99999999999999999999", "-1", "2147483648", "1e308", "-2147483649", "0", "46341", "0.5", "NaN"];
                string v = huge[rng.Next(huge.Length)];
                return (valid[..m.Index] + v + valid[(m.Index + m.Length)..], $"number at {m.Index} set to {v}");
            }
            case 4:
            {
                var values = System.Text.RegularExpressions.Regex.Matches(valid, @":\s*(""[^""]*""|\[[^\[\]]*\]|-?\d+(\.\d+)?|true|false)");
                if (values.Count == 0) goto case 1;
                var m = values[rng.Next(values.Count)];
                string v = new[] { ": null", ": {}", ": []", ": \"x\"", ": 1" }[rng.Next(5)];
                return (valid[..m.Index] + v + valid[(m.Index + m.Length)..], $"value at {m.Index} set to '{v}'");
            }
            default:
            {
                int n = Math.Min(1 + rng.Next(40), valid.Length - at);
                return (valid.Insert(at, valid.Substring(at, n)), $"{n} characters at {at} duplicated");
            }
        }
    }
}
