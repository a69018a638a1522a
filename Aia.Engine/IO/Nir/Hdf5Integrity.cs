using System.Buffers.Binary;

namespace Aia.Engine.IO.Nir;

/// <summary>
/// Checks the parts of an HDF5 file that PureHDF trusts before it reads them, so that a damaged file is refused
/// instead of making PureHDF allocate gigabytes from one damaged size field:
/// <list type="bullet">
/// <item>Version-2 object headers (<c>OHDR</c>, what PureHDF writes) carry a Jenkins lookup3 checksum, which
/// PureHDF does not verify: every one in the file must match (one flipped bit in a link's address or a message's
/// size is caught).</item>
/// <item>Global heap collections (<c>GCOL</c>, where the variable-length strings of h5py and <c>nir.write</c> live):
/// PureHDF sizes its buffer from each heap object's size field without comparing it with the collection's size; each
/// object must fit in what is left of its collection, and the collection in the file.</item>
/// </list>
/// A structure is recognised by its signature and version (and, for a collection, three zero bytes and the HDF5
/// minimum size of 4 KiB).
/// </summary>
internal static class Hdf5Integrity
{
    /// <summary>Throws <see cref="NirFormatException"/> for the first damaged object header or global heap collection.</summary>
    public static void Check(ReadOnlySpan<byte> file)
    {
        ObjectHeaders(file);
        if (LengthSize(file) != 8)
            return; // PureHDF refuses or reads other widths itself; NIR files use 8
        for (int at = Next(file, "GCOL"u8, -1); at >= 0; at = Next(file, "GCOL"u8, at))
        {
            var head = file[at..];
            if (head.Length < 16 || head[4] != 1 || head[5] != 0 || head[6] != 0 || head[7] != 0)
                continue;
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(head[8..]);
            if (size < 4096)
                continue;
            if (size > (ulong)head.Length)
                throw new NirFormatException($"damaged: the global heap collection at offset {at} is {size:N0} bytes, past the end of the file");
            Objects(head[..(int)size], at);
        }
    }

    private static int Next(ReadOnlySpan<byte> file, ReadOnlySpan<byte> signature, int at)
    {
        int next = file[(at + 1)..].IndexOf(signature);
        return next < 0 ? -1 : at + 1 + next;
    }

    /// <summary>Every version-2 object header: its first chunk must fit in the file and match its checksum.</summary>
    private static void ObjectHeaders(ReadOnlySpan<byte> file)
    {
        for (int at = Next(file, "OHDR"u8, -1); at >= 0; at = Next(file, "OHDR"u8, at))
        {
            var h = file[at..];
            if (h.Length < 7 || h[4] != 2)
                continue;
            byte flags = h[5];
            int offset = 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
            int width = 1 << (flags & 3);
            if (h.Length < offset + width)
                throw new NirFormatException($"damaged: the object header at offset {at} runs past the end of the file");
            ulong chunk = width switch
            {
                1 => h[offset],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(h[offset..]),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(h[offset..]),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(h[offset..]),
            };
            ulong end = (ulong)(offset + width) + chunk;
            if (chunk > (ulong)h.Length || end + 4 > (ulong)h.Length)
                throw new NirFormatException($"damaged: the object header at offset {at} ({chunk:N0} bytes of messages) runs past the end of the file");
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(h[(int)end..]);
            if (Lookup3(h[..(int)end]) != stored)
                throw new NirFormatException($"damaged: the object header at offset {at} does not match its checksum");
        }
    }

    /// <summary>Bob Jenkins' lookup3 <c>hashlittle</c> with seed 0: HDF5's metadata checksum (H5_checksum_lookup3).</summary>
    public static uint Lookup3(ReadOnlySpan<byte> k)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)k.Length;
        while (k.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(k);
            b += BinaryPrimitives.ReadUInt32LittleEndian(k[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(k[8..]);
            a -= c; a ^= uint.RotateLeft(c, 4); c += b;
            b -= a; b ^= uint.RotateLeft(a, 6); a += c;
            c -= b; c ^= uint.RotateLeft(b, 8); b += a;
            a -= c; a ^= uint.RotateLeft(c, 16); c += b;
            b -= a; b ^= uint.RotateLeft(a, 19); a += c;
            c -= b; c ^= uint.RotateLeft(b, 4); b += a;
            k = k[12..];
        }
        if (k.Length == 0)
            return c;
        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        k.CopyTo(tail);
        a += BinaryPrimitives.ReadUInt32LittleEndian(tail);
        b += BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        c += BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
        c ^= b; c -= uint.RotateLeft(b, 14);
        a ^= c; a -= uint.RotateLeft(c, 11);
        b ^= a; b -= uint.RotateLeft(a, 25);
        c ^= b; c -= uint.RotateLeft(b, 16);
        a ^= c; a -= uint.RotateLeft(c, 4);
        b ^= a; b -= uint.RotateLeft(a, 14);
        c ^= b; c -= uint.RotateLeft(b, 24);
        return c;
    }

    private static void Objects(ReadOnlySpan<byte> collection, int at)
    {
        int offset = 16;
        while (collection.Length - offset >= 16)
        {
            ushort index = BinaryPrimitives.ReadUInt16LittleEndian(collection[offset..]);
            if (index == 0)
                return; // free space: the rest of the collection
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(collection[(offset + 8)..]);
            ulong left = (ulong)(collection.Length - offset - 16);
            if (size > left)
                throw new NirFormatException($"damaged: object {index} of the global heap collection at offset {at} is {size:N0} bytes, more than the {left:N0} left in the collection");
            offset += 16 + (int)((size + 7) / 8 * 8);
        }
    }

    /// <summary>The superblock's "size of lengths" (0 when no superblock is found at 0, 512, 1024, ...).</summary>
    private static int LengthSize(ReadOnlySpan<byte> file)
    {
        ReadOnlySpan<byte> magic = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];
        for (long at = 0; at + 16 <= file.Length; at = at == 0 ? 512 : at * 2)
        {
            var s = file[(int)at..];
            if (!s.StartsWith(magic))
                continue;
            return s[8] switch
            {
                0 or 1 => s[14],
                2 or 3 => s[10],
                _ => 0,
            };
        }
        return 0;
    }
}
