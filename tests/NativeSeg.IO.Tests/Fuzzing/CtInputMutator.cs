using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>
/// Makes one mutant of a seed: a header field or attribute edit (most often, as that is where the checks live), a
/// truncation, flipped bits, an absurd 32-bit length, or a run of random bytes. A NIfTI-gz seed is mutated
/// decompressed and compressed again, except for a share of mutants whose compressed bytes are damaged directly.
/// Deterministic for a given <see cref="Random"/> state.
/// </summary>
public static class CtInputMutator
{
    public static FuzzMutant Mutate(FuzzSeed seed, Random random)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(random);
        var bytes = (byte[])seed.Bytes.Clone();
        if (seed.Format == FuzzFormat.NiftiGz && random.Next(5) == 0)
        {
            var compressed = Gzip(bytes);
            string damage = Generic(ref compressed, random);
            return new FuzzMutant(seed, compressed, "compressed: " + damage);
        }

        string description;
        int edits = 1 + (random.Next(4) == 0 ? random.Next(3) : 0);
        var parts = new List<string>();
        for (int e = 0; e < edits; e++)
        {
            description = random.Next(10) switch
            {
                < 6 => FieldEdit(ref bytes, seed.Format, random) ?? Generic(ref bytes, random),
                _ => Generic(ref bytes, random),
            };
            parts.Add(description);
        }
        description = string.Join("; ", parts);
        return new FuzzMutant(seed, seed.Format == FuzzFormat.NiftiGz ? Gzip(bytes) : bytes, description);
    }

    private static string? FieldEdit(ref byte[] bytes, FuzzFormat format, Random random) => format switch
    {
        FuzzFormat.Dicom => DicomElementEdit.Apply(bytes, random),
        FuzzFormat.Nrrd => NrrdFieldEdit.Apply(ref bytes, random),
        _ => NiftiFieldEdit.Apply(bytes, random),
    };

    private static string Generic(ref byte[] bytes, Random random)
    {
        if (bytes.Length < 8)
        {
            bytes = [.. bytes, (byte)random.Next(256)];
            return "one byte appended";
        }
        switch (random.Next(4))
        {
            case 0:
            {
                int cut = random.Next(bytes.Length);
                bytes = bytes[..cut];
                return $"truncated at {cut}";
            }
            case 1:
            {
                int flips = 1 + random.Next(8);
                // Mostly in the first 4 KiB, where headers live; sometimes anywhere.
                int span = random.Next(3) == 0 ? bytes.Length : Math.Min(bytes.Length, 4096);
                for (int i = 0; i < flips; i++) bytes[random.Next(span)] ^= (byte)(1 << random.Next(8));
                return $"{flips} flipped bits in the first {span} bytes";
            }
            case 2:
            {
                int at = random.Next(Math.Min(bytes.Length - 4, 4096));
                uint value = random.Next(4) switch { 0 => 0xFFFFFFFF, 1 => 0x7FFFFFFF, 2 => 0xFFFFFFF0, _ => (uint)random.Next() };
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
                return $"0x{value:X8} written at {at}";
            }
            default:
            {
                int at = random.Next(bytes.Length), length = Math.Min(1 + random.Next(64), bytes.Length - at);
                random.NextBytes(bytes.AsSpan(at, length));
                return $"{length} random bytes at {at}";
            }
        }
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(bytes);
        return memory.ToArray();
    }
}
