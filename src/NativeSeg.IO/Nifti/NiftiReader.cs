using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Nifti;

/// <summary>
/// Reads single-file NIfTI-1 and NIfTI-2 volumes (<c>.nii</c>, or gzip-compressed whatever the extension says),
/// in either byte order. The voxels are streamed through a small buffer straight into the result array, so a
/// compressed file is never held in memory; the result array is allocated only after the header has been
/// checked against the file's size.
/// </summary>
public static class NiftiReader
{
    private const int ChunkBytes = 1 << 20; // a multiple of every voxel size

    /// <summary>Only the header (and the checks on it).</summary>
    public static NiftiHeader ReadHeader(string path)
    {
        using var source = Open(path);
        return source.Header;
    }

    /// <summary>The volume as float with scl_slope/scl_inter applied: Hounsfield units for CT.</summary>
    public static Volume<float> ReadFloat(string path) => ReadFloat(path, out _);

    public static Volume<float> ReadFloat(string path, out NiftiHeader header)
    {
        using var source = Open(path);
        header = source.Header;
        var voxels = new float[source.Grid.VoxelCount];
        double slope = source.Header.EffectiveSlope, inter = source.Header.EffectiveInter;
        var type = source.Header.DataType;
        source.ReadChunks((chunk, first) => ConvertToFloat(chunk, type, slope, inter, voxels.AsSpan(first)));
        return new Volume<float>(source.Grid, voxels);
    }

    /// <summary>
    /// A label volume: every value after scaling must be an integer in 0..255, otherwise the file is
    /// rejected (it is probably a CT or a probability map, not a mask).
    /// </summary>
    public static Volume<byte> ReadMask(string path) => ReadMask(path, out _);

    public static Volume<byte> ReadMask(string path, out NiftiHeader header)
    {
        using var source = Open(path);
        header = source.Header;
        var voxels = new byte[source.Grid.VoxelCount];
        double slope = source.Header.EffectiveSlope, inter = source.Header.EffectiveInter;
        var type = source.Header.DataType;
        source.ReadChunks((chunk, first) =>
        {
            int bad = ConvertToLabels(chunk, type, slope, inter, voxels.AsSpan(first), out double value);
            if (bad >= 0)
                throw new InvalidInputException(path, $"not a label mask: voxel {first + bad} has the value {value}, but labels must be integers in 0..255.");
        });
        return new Volume<byte>(source.Grid, voxels);
    }

    private static NiftiSource Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException(path, "file not found.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, $"cannot open the file: {e.Message}", e);
        }

        try
        {
            long fileLength = file.Length;
            Span<byte> magic = stackalloc byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool compressed = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            Stream stream = compressed ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
            try
            {
                var first4 = new byte[4];
                ReadExactly(stream, first4, path, "the header");
                var detected = NiftiHeaderCodec.DetectSize(first4)
                    ?? throw new InvalidInputException(path, "not a NIfTI file: sizeof_hdr is neither 348 (NIfTI-1) nor 540 (NIfTI-2) in either byte order.");
                var headerBytes = new byte[detected.Size];
                first4.CopyTo(headerBytes, 0);
                ReadExactly(stream, headerBytes.AsMemory(4), path, "the header");
                var header = NiftiHeaderCodec.Parse(headerBytes, detected.BigEndian, path);
                var grid = NiftiHeaderValidator.Validate(header, path, fileLength, compressed);
                SkipTo(stream, header.VoxOffset - detected.Size, path);
                return new NiftiSource(path, header, grid, stream);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        catch (InvalidDataException e)
        {
            file.Dispose();
            throw new InvalidInputException(path, "corrupt gzip data (CRC or stream error).", e);
        }
        catch (InvalidInputException)
        {
            file.Dispose();
            throw;
        }
        catch (IOException e)
        {
            file.Dispose();
            throw new InvalidInputException(path, $"read error: {e.Message}", e);
        }
    }

    private static void ReadExactly(Stream stream, Memory<byte> buffer, string path, string what)
    {
        int got = stream.ReadAtLeast(buffer.Span, buffer.Length, throwOnEndOfStream: false);
        if (got < buffer.Length)
            throw new InvalidInputException(path, $"truncated: the file ends inside {what}.");
    }

    /// <summary>Skips header extensions by reading them (a GZipStream cannot seek).</summary>
    private static void SkipTo(Stream stream, long count, string path)
    {
        var scratch = new byte[(int)Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            int want = (int)Math.Min(count, scratch.Length);
            ReadExactly(stream, scratch.AsMemory(0, want), path, "the header extensions");
            count -= want;
        }
    }

    private sealed class NiftiSource(string path, NiftiHeader header, Grid grid, Stream stream) : IDisposable
    {
        public NiftiHeader Header { get; } = header;
        public Grid Grid { get; } = grid;

        /// <summary>Hands the voxels over in chunks, already in the machine's byte order, with the index of each chunk's first voxel.</summary>
        public void ReadChunks(Action<Span<byte>, int> consume)
        {
            int bytesPerVoxel = NiftiDataTypes.BytesPerVoxel(Header.DataType);
            long remaining = (long)Grid.VoxelCount * bytesPerVoxel;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                int firstVoxel = 0;
                while (remaining > 0)
                {
                    int want = (int)Math.Min(remaining, ChunkBytes);
                    int got = stream.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
                    if (got < want)
                    {
                        long total = (long)Grid.VoxelCount * bytesPerVoxel;
                        throw new InvalidInputException(path, $"truncated: the voxel data ends after {total - remaining + got} of {total} bytes.");
                    }
                    var chunk = buffer.AsSpan(0, want);
                    if (Header.BigEndian != !BitConverter.IsLittleEndian) SwapBytes(chunk, bytesPerVoxel);
                    consume(chunk, firstVoxel);
                    firstVoxel += want / bytesPerVoxel;
                    remaining -= want;
                }
            }
            catch (InvalidDataException e)
            {
                throw new InvalidInputException(path, "corrupt gzip data (CRC or stream error).", e);
            }
            catch (IOException e)
            {
                throw new InvalidInputException(path, $"read error: {e.Message}", e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public void Dispose() => stream.Dispose();
    }

    private static void SwapBytes(Span<byte> chunk, int bytesPerVoxel)
    {
        switch (bytesPerVoxel)
        {
            case 2: var s = MemoryMarshal.Cast<byte, short>(chunk); BinaryPrimitives.ReverseEndianness(s, s); break;
            case 4: var i = MemoryMarshal.Cast<byte, int>(chunk); BinaryPrimitives.ReverseEndianness(i, i); break;
            case 8: var l = MemoryMarshal.Cast<byte, long>(chunk); BinaryPrimitives.ReverseEndianness(l, l); break;
        }
    }

    private static void ConvertToFloat(ReadOnlySpan<byte> chunk, NiftiDataType type, double slope, double inter, Span<float> dst)
    {
        switch (type)
        {
            case NiftiDataType.UInt8: Scale(chunk, dst, slope, inter); break;
            case NiftiDataType.Int8: Scale(MemoryMarshal.Cast<byte, sbyte>(chunk), dst, slope, inter); break;
            case NiftiDataType.Int16: Scale(MemoryMarshal.Cast<byte, short>(chunk), dst, slope, inter); break;
            case NiftiDataType.UInt16: Scale(MemoryMarshal.Cast<byte, ushort>(chunk), dst, slope, inter); break;
            case NiftiDataType.Int32: Scale(MemoryMarshal.Cast<byte, int>(chunk), dst, slope, inter); break;
            case NiftiDataType.Float32: Scale(MemoryMarshal.Cast<byte, float>(chunk), dst, slope, inter); break;
            case NiftiDataType.Float64: Scale(MemoryMarshal.Cast<byte, double>(chunk), dst, slope, inter); break;
            default: throw new InvalidOperationException($"datatype {type} passed validation unexpectedly.");
        }
    }

    private static void Scale<T>(ReadOnlySpan<T> src, Span<float> dst, double slope, double inter) where T : unmanaged, INumberBase<T>
    {
        if (slope == 1 && inter == 0)
            for (int i = 0; i < src.Length; i++) dst[i] = float.CreateTruncating(src[i]);
        else
            for (int i = 0; i < src.Length; i++) dst[i] = (float)(double.CreateTruncating(src[i]) * slope + inter);
    }

    /// <summary>Returns the index of the first voxel that is not a label in 0..255, or −1 when all are.</summary>
    private static int ConvertToLabels(ReadOnlySpan<byte> chunk, NiftiDataType type, double slope, double inter, Span<byte> dst, out double badValue)
    {
        badValue = 0;
        if (type == NiftiDataType.UInt8 && slope == 1 && inter == 0)
        {
            chunk.CopyTo(dst);
            return -1;
        }
        return type switch
        {
            NiftiDataType.UInt8 => Labels(chunk, dst, slope, inter, out badValue),
            NiftiDataType.Int8 => Labels(MemoryMarshal.Cast<byte, sbyte>(chunk), dst, slope, inter, out badValue),
            NiftiDataType.Int16 => Labels(MemoryMarshal.Cast<byte, short>(chunk), dst, slope, inter, out badValue),
            NiftiDataType.UInt16 => Labels(MemoryMarshal.Cast<byte, ushort>(chunk), dst, slope, inter, out badValue),
            NiftiDataType.Int32 => Labels(MemoryMarshal.Cast<byte, int>(chunk), dst, slope, inter, out badValue),
            NiftiDataType.Float32 => Labels(MemoryMarshal.Cast<byte, float>(chunk), dst, slope, inter, out badValue),
            NiftiDataType.Float64 => Labels(MemoryMarshal.Cast<byte, double>(chunk), dst, slope, inter, out badValue),
            _ => throw new InvalidOperationException($"datatype {type} passed validation unexpectedly."),
        };
    }

    private static int Labels<T>(ReadOnlySpan<T> src, Span<byte> dst, double slope, double inter, out double badValue) where T : unmanaged, INumberBase<T>
    {
        for (int i = 0; i < src.Length; i++)
        {
            double v = double.CreateTruncating(src[i]) * slope + inter;
            // Allow the rounding a float32 slope/intercept introduces, nothing more.
            double rounded = Math.Round(v);
            if (!(Math.Abs(v - rounded) <= 1e-4) || rounded < 0 || rounded > 255)
            {
                badValue = v;
                return i;
            }
            dst[i] = (byte)rounded;
        }
        badValue = 0;
        return -1;
    }
}
