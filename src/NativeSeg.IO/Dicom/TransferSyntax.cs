namespace NativeSeg.IO.Dicom;

/// <summary>How the pixel data of a transfer syntax is encoded, as far as NativeSeg can decode it.</summary>
public enum PixelEncoding
{
    /// <summary>Uncompressed (native) pixel data.</summary>
    Native,
    /// <summary>RLE Lossless (PS3.5 Annex G), decoded by <see cref="Codecs.RleDecoder"/>.</summary>
    Rle,
    /// <summary>JPEG Lossless process 14 (ITU T.81 Annex H), decoded by <see cref="Codecs.JpegLosslessDecoder"/>.</summary>
    JpegLossless,
    /// <summary>Lossy JPEG, baseline, extended sequential and progressive (ITU T.81, Huffman), decoded by <see cref="Codecs.JpegDctDecoder"/>.</summary>
    JpegDct,
    /// <summary>JPEG-LS lossless and near-lossless (ITU-T T.87), decoded by <see cref="Codecs.JpegLsDecoder"/>.</summary>
    JpegLs,
    /// <summary>JPEG 2000 Part 1 (ITU-T T.800), lossless 5/3 or lossy 9/7, decoded by <see cref="Codecs.Jpeg2000.Jpeg2000Decoder"/>.</summary>
    Jpeg2000,
    /// <summary>Any other encapsulated encoding (JPEG 2000 Part 2 and High-Throughput, video): rejected with a conversion hint.</summary>
    Unsupported,
}

/// <summary>A transfer syntax: how the dataset after the file meta header is encoded (PS3.5 section 10 and Annex A).</summary>
public sealed record TransferSyntax(string Uid, string Name, bool IsExplicitVr, bool IsBigEndian, bool IsDeflated, PixelEncoding PixelEncoding)
{
    public static readonly TransferSyntax ImplicitVrLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, PixelEncoding.Native);
    public static readonly TransferSyntax ExplicitVrLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, PixelEncoding.Native);
    public static readonly TransferSyntax DeflatedExplicitVrLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, PixelEncoding.Native);
    public static readonly TransferSyntax ExplicitVrBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)", true, true, false, PixelEncoding.Native);
    public static readonly TransferSyntax RleLossless = new("1.2.840.10008.1.2.5", "RLE Lossless", true, false, false, PixelEncoding.Rle);
    public static readonly TransferSyntax JpegLosslessProcess14 = new("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true, false, false, PixelEncoding.JpegLossless);
    public static readonly TransferSyntax JpegLosslessSv1 = new("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", true, false, false, PixelEncoding.JpegLossless);
    public static readonly TransferSyntax JpegBaseline = new("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, false, false, PixelEncoding.JpegDct);
    public static readonly TransferSyntax JpegExtended = new("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true, false, false, PixelEncoding.JpegDct);
    public static readonly TransferSyntax JpegSpectralSelection = new("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (retired)", true, false, false, PixelEncoding.JpegDct);
    public static readonly TransferSyntax JpegFullProgression = new("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (retired)", true, false, false, PixelEncoding.JpegDct);
    public static readonly TransferSyntax JpegLsLossless = new("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", true, false, false, PixelEncoding.JpegLs);
    public static readonly TransferSyntax JpegLsNearLossless = new("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", true, false, false, PixelEncoding.JpegLs);
    public static readonly TransferSyntax Jpeg2000Lossless = new("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", true, false, false, PixelEncoding.Jpeg2000);
    public static readonly TransferSyntax Jpeg2000 = new("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", true, false, false, PixelEncoding.Jpeg2000);

    private static readonly TransferSyntax[] Known =
    [
        ImplicitVrLittleEndian, ExplicitVrLittleEndian, DeflatedExplicitVrLittleEndian, ExplicitVrBigEndian,
        RleLossless, JpegLosslessProcess14, JpegLosslessSv1,
        JpegBaseline, JpegExtended, JpegLsLossless, JpegLsNearLossless,
        JpegSpectralSelection, JpegFullProgression, Jpeg2000Lossless, Jpeg2000,
        Encapsulated("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)"),
        Encapsulated("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression"),
        Encapsulated("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)"),
        Encapsulated("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"),
        Encapsulated("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression"),
    ];

    /// <summary>
    /// The transfer syntax for a UID. An unknown UID is taken as an encapsulated explicit VR little endian syntax
    /// (every compressed syntax is), so the header still parses and only the pixel data is refused.
    /// </summary>
    public static TransferSyntax FromUid(string uid)
    {
        foreach (var syntax in Known)
            if (syntax.Uid == uid) return syntax;
        return Encapsulated(uid, "unknown transfer syntax");
    }

    /// <summary>The command-line tools that turn this syntax into uncompressed DICOM, for error messages.</summary>
    public string ConversionHint =>
        Uid.StartsWith("1.2.840.10008.1.2.4.9", StringComparison.Ordinal) || Uid.StartsWith("1.2.840.10008.1.2.4.20", StringComparison.Ordinal)
            ? "convert it to uncompressed DICOM first, e.g. `gdcmconv --raw in.dcm out.dcm` (GDCM; dcmtk's free tools do not decode JPEG 2000)"
        : Uid is "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51"
            ? "convert it to uncompressed DICOM first, e.g. `dcmdjpeg in.dcm out.dcm` (dcmtk) or `gdcmconv --raw in.dcm out.dcm` (GDCM)"
            : "convert it to uncompressed DICOM first, e.g. `gdcmconv --raw in.dcm out.dcm` (GDCM; handles JPEG-LS) or `dcmdjpeg in.dcm out.dcm` / `dcmdjpls in.dcm out.dcm` (dcmtk)";

    public override string ToString() => $"{Name} ({Uid})";

    private static TransferSyntax Encapsulated(string uid, string name) => new(uid, name, true, false, false, PixelEncoding.Unsupported);
}
