using System.IO.Compression;

namespace NativeSeg.IO.Dicom;

/// <summary>
/// A parsed DICOM Part 10 file (PS3.10): optional 128-byte preamble and "DICM", the file meta header (group 0002,
/// explicit VR little endian), and the dataset in its transfer syntax. Files without a preamble or without a meta
/// header (older "raw" datasets) are read too; their syntax is recognised from the first element.
/// </summary>
public sealed class DicomFile
{
    // Enough for the header of nearly every CT slice (Siemens' private CSA headers included); the rest is read only
    // when the header runs past it.
    private const int HeadBytes = 64 * 1024;

    // Raw deflate expands at most about 1032:1; a larger "inflated" size is not data, it is an attack or corruption.
    private const long MaxDeflateRatio = 1032;
    private const long MaxInflatedBytes = int.MaxValue - 64;

    private DicomFile(string path, DicomDataset meta, DicomDataset dataset, TransferSyntax syntax, bool hasPreamble, bool pixelDataRead)
    {
        Path = path;
        Meta = meta;
        Dataset = dataset;
        TransferSyntax = syntax;
        HasPreamble = hasPreamble;
        PixelDataRead = pixelDataRead;
    }

    public string Path { get; }

    /// <summary>File meta information (group 0002); empty when the file has none.</summary>
    public DicomDataset Meta { get; }

    public DicomDataset Dataset { get; }

    public TransferSyntax TransferSyntax { get; }

    public bool HasPreamble { get; }

    /// <summary>False when the file was opened header-only: parsing stopped at the pixel data element.</summary>
    public bool PixelDataRead { get; }

    /// <summary>
    /// Reads and parses a file. With <paramref name="headerOnly"/>, parsing stops at the top-level pixel data and
    /// usually only the first 64 KiB of the file are read.
    /// </summary>
    public static DicomFile Open(string path, bool headerOnly = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            if (headerOnly)
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                if (stream.Length > HeadBytes)
                {
                    var head = new byte[HeadBytes];
                    stream.ReadExactly(head);
                    try
                    {
                        return Parse(head, path, headerOnly: true, bufferIsWholeFile: false);
                    }
                    catch (DicomParser.NeedWholeFileException)
                    {
                        // The header runs past the head: fall through and read the whole file.
                    }
                }
            }
            return Parse(File.ReadAllBytes(path), path, headerOnly);
        }
        catch (IOException e)
        {
            throw new InvalidInputException(path, $"cannot read the file: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidInputException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>Parses a file already in memory; <paramref name="path"/> names it in error messages.</summary>
    public static DicomFile Parse(byte[] bytes, string path, bool headerOnly = false)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Parse(bytes, path, headerOnly, bufferIsWholeFile: true);
    }

    /// <summary>
    /// A cheap test of the first bytes: "DICM" after a 128-byte preamble, or a dataset that starts with a group 0002 or
    /// 0008 element in a plausible encoding. Used to skip non-DICOM files in a folder.
    /// </summary>
    public static bool LooksLikeDicom(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            Span<byte> head = stackalloc byte[132];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return LooksLikeDicom(head[..read]);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static bool LooksLikeDicom(ReadOnlySpan<byte> head)
    {
        if (HasDicmPrefix(head)) return true;
        if (head.Length < 8) return false;
        ushort group = (ushort)(head[0] | head[1] << 8);
        ushort element = (ushort)(head[2] | head[3] << 8);
        // A raw dataset starts with its lowest tag: meta information or the identifying group 0008, and a low element.
        return (group == 0x0002 || group == 0x0008) && element < 0x0100;
    }

    private static bool HasDicmPrefix(ReadOnlySpan<byte> head) =>
        head.Length >= 132 && head[128] == (byte)'D' && head[129] == (byte)'I' && head[130] == (byte)'C' && head[131] == (byte)'M';

    private static DicomFile Parse(byte[] bytes, string path, bool headerOnly, bool bufferIsWholeFile)
    {
        bool hasPreamble = HasDicmPrefix(bytes);
        if (!hasPreamble && !LooksLikeDicom(bytes))
            throw new InvalidInputException(path, "not a DICOM file (no \"DICM\" marker after a 128-byte preamble and no DICOM dataset at the start)");
        int pos = hasPreamble ? 132 : 0;

        // File meta information: group 0002, explicit VR little endian by definition (PS3.10 7.1). A few writers
        // put it in implicit VR; recognise that by the missing VR.
        bool metaIsExplicit = bytes.Length - pos < 6 || DicomParser.IsKnownVr(bytes.AsSpan(pos + 4, 2));
        var metaParser = new DicomParser(path, bytes, metaIsExplicit, bigEndian: false, bufferIsWholeFile);
        var (meta, datasetStart) = metaParser.ParseDataset(pos, bytes.Length, onlyGroup: 0x0002);

        var syntax = ChooseSyntax(meta, bytes, datasetStart);
        ReadOnlyMemory<byte> buffer = bytes;
        if (syntax.IsDeflated)
        {
            if (!bufferIsWholeFile) throw new DicomParser.NeedWholeFileException();
            buffer = Inflate(bytes.AsMemory(datasetStart), path);
            datasetStart = 0;
        }

        var parser = new DicomParser(path, buffer, syntax.IsExplicitVr, syntax.IsBigEndian, bufferIsWholeFile);
        var (dataset, next) = parser.ParseDataset(datasetStart, buffer.Length, stopAtPixelData: headerOnly);
        bool pixelDataRead = !headerOnly || next >= buffer.Length;
        return new DicomFile(path, meta, dataset, syntax, hasPreamble, pixelDataRead);
    }

    private static TransferSyntax ChooseSyntax(DicomDataset meta, byte[] bytes, int datasetStart)
    {
        var uid = meta.GetString(DicomTags.TransferSyntaxUid);
        if (!string.IsNullOrEmpty(uid)) return TransferSyntax.FromUid(uid);
        // No meta header: PS3.5 makes implicit VR little endian the default; explicit VR shows itself by a VR.
        bool looksExplicit = bytes.Length - datasetStart >= 6 && DicomParser.IsKnownVr(bytes.AsSpan(datasetStart + 4, 2));
        return looksExplicit ? TransferSyntax.ExplicitVrLittleEndian : TransferSyntax.ImplicitVrLittleEndian;
    }

    private static byte[] Inflate(ReadOnlyMemory<byte> deflated, string path)
    {
        long cap = Math.Min(MaxInflatedBytes, Math.Max(1024, deflated.Length * MaxDeflateRatio));
        try
        {
            using var input = new MemoryStream(deflated.ToArray(), writable: false);
            using var inflater = new DeflateStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = inflater.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > cap)
                    throw new InvalidInputException(path, $"the deflated dataset inflates past {cap} bytes, more than deflate can produce from {deflated.Length} bytes");
                output.Write(chunk, 0, read);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException(path, $"the deflated dataset is corrupt: {e.Message}", e);
        }
    }

    public override string ToString() => $"{Path} ({TransferSyntax.Name}, {Dataset.Count} elements)";
}
