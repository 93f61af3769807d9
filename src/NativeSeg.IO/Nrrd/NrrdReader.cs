using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Nrrd;

/// <summary>
/// Reads a CT stored as NRRD (<c>.nrrd</c> with the data attached, or a <c>.nhdr</c> header naming one data file),
/// as 3D Slicer and the Chest Imaging Platform write it: raw, gzip or ascii encoding, 8/16/32-bit integer, float or
/// double voxels, either byte order, the patient space (RAS, LAS, LPS) with "space directions" and "space origin"
/// giving the affine. NRRD has no rescale: the stored values are taken as Hounsfield units. The work is bounded by
/// the file: the voxel array is allocated only when the data can hold it (raw: its length; gzip: deflate's largest
/// ratio, 1032:1; ascii: two characters per value).
/// </summary>
public static class NrrdReader
{
    private const int ChunkBytes = 1 << 20;
    private const long MaxDeflateRatio = 1032;

    /// <summary>True for .nrrd and .nhdr names (case-insensitive).</summary>
    public static bool HasNrrdExtension(string path) =>
        path.EndsWith(".nrrd", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nhdr", StringComparison.OrdinalIgnoreCase);

    /// <summary>The volume as float, stored values unchanged. Every failure is an <see cref="InvalidInputException"/> naming the file.</summary>
    public static Volume<float> ReadFloat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return ReadChecked(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException(path, "corrupt gzip data in the NRRD file (CRC or stream error)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, $"read error: {e.Message}", e);
        }
    }

    private static Volume<float> ReadChecked(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "file not found");
        var header = NrrdHeader.Read(path);
        long voxels = (long)header.Sizes[0] * header.Sizes[1] * header.Sizes[2];
        if (voxels > int.MaxValue)
            throw new InvalidInputException(path, $"the NRRD sizes {string.Join("×", header.Sizes)} are too large for one volume");
        var grid = header.Grid;
        CtGeometryLimits.RequirePlausible(grid, path);

        using var file = new FileStream(header.DataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long bytes = voxels * header.Scalar.Bytes;
        if (header.DataAtEnd)
        {
            // "byte skip: -1": the raw voxels are the file's last bytes, whatever precedes them.
            if (file.Length < bytes)
                throw new InvalidInputException(path, $"truncated: the NRRD data file holds {file.Length} bytes, fewer than the {bytes} bytes of voxels");
            file.Position = file.Length - bytes;
        }
        else
        {
            file.Position = Math.Min(header.DataOffset, file.Length);
            SkipLines(file, header.LineSkip, path);
            if (header.Encoding == NrrdEncoding.Raw) SkipBytes(file, header.ByteSkip, path);
        }
        long available = file.Length - file.Position;
        long bound = header.Encoding switch
        {
            NrrdEncoding.Raw => available,
            NrrdEncoding.Gzip => available * MaxDeflateRatio + 1024,
            _ => (available + 1) / 2 * header.Scalar.Bytes,
        };
        if (bound < bytes)
            throw new InvalidInputException(path, header.Encoding == NrrdEncoding.Raw
                ? $"truncated: the NRRD data holds {available} bytes, fewer than the {bytes} bytes of {string.Join("×", header.Sizes)} {header.Scalar.Name} voxels"
                : $"the NRRD header declares {string.Join("×", header.Sizes)} {header.Scalar.Name} voxels, more than {available} bytes of {header.Encoding.ToString().ToLowerInvariant()} data can hold");

        var result = new float[voxels];
        if (header.Encoding == NrrdEncoding.Ascii)
        {
            ReadAscii(file, result, path);
        }
        else
        {
            using Stream data = header.Encoding == NrrdEncoding.Gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
            if (header.Encoding == NrrdEncoding.Gzip) SkipBytes(data, header.ByteSkip, path);
            ReadBinary(data, header, result, bytes, path);
        }
        return new Volume<float>(grid, result);
    }

    private static void ReadBinary(Stream data, NrrdHeader header, float[] result, long bytes, string path)
    {
        int size = header.Scalar.Bytes;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long done = 0;
            while (done < bytes)
            {
                int want = (int)Math.Min(bytes - done, ChunkBytes);
                int got = data.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
                if (got < want)
                    throw new InvalidInputException(path, $"truncated: the NRRD voxel data ends after {done + got} of {bytes} bytes");
                header.Scalar.ToFloat(buffer.AsSpan(0, want), result.AsSpan((int)(done / size)), header.BigEndian);
                done += want;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Whitespace-separated numbers, as many as there are voxels.</summary>
    private static void ReadAscii(Stream data, float[] result, string path)
    {
        using var reader = new StreamReader(data, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, 1 << 16, leaveOpen: true);
        var word = new StringBuilder();
        int index = 0, c;
        while (index < result.Length && (c = reader.Read()) >= 0)
        {
            if (!char.IsWhiteSpace((char)c) && c != ',')
            {
                if (word.Length > 64)
                    throw new InvalidInputException(path, $"the NRRD ascii value {index} is not a number");
                word.Append((char)c);
                continue;
            }
            if (word.Length > 0) result[index++] = ParseValue(word, index, path);
        }
        if (index < result.Length && word.Length > 0) result[index++] = ParseValue(word, index, path);
        if (index < result.Length)
            throw new InvalidInputException(path, $"truncated: the NRRD ascii data holds {index} of {result.Length} values");
    }

    private static float ParseValue(StringBuilder word, int index, string path)
    {
        string text = word.ToString();
        word.Clear();
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v
            : throw new InvalidInputException(path, $"the NRRD ascii value {index} (\"{InputText.Printable(text)}\") is not a number");
    }

    private static void SkipLines(Stream file, int lines, string path)
    {
        for (int line = 0; line < lines; line++)
        {
            int b;
            while ((b = file.ReadByte()) != '\n')
                if (b < 0) throw new InvalidInputException(path, $"truncated: the NRRD data file ends inside the {lines} lines to skip");
        }
    }

    private static void SkipBytes(Stream data, long count, string path)
    {
        var scratch = new byte[(int)Math.Min(Math.Max(count, 1), 1 << 16)];
        while (count > 0)
        {
            int want = (int)Math.Min(count, scratch.Length);
            if (data.ReadAtLeast(scratch.AsSpan(0, want), want, throwOnEndOfStream: false) < want)
                throw new InvalidInputException(path, "truncated: the NRRD data ends inside the bytes to skip");
            count -= want;
        }
    }
}
