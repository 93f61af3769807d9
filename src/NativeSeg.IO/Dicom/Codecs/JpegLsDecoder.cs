using System.Buffers.Binary;

namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// JPEG-LS (ITU-T T.87 / ISO 14495-1), lossless and near-lossless, one component, 2–16 bits: DICOM's "JPEG-LS
/// Lossless" and "JPEG-LS Near-Lossless" transfer syntaxes. Each sample is predicted from its decoded neighbours
/// (median edge detector), corrected by a bias learned per context (365 contexts from the quantised local gradients)
/// and the residual read as an adaptive, length-limited Golomb code; flat regions switch to run mode, where runs of
/// the left neighbour's value cost a bit per block of 2^J samples. Default and custom (LSE) thresholds, RESET and
/// MAXVAL are honoured. Mapping tables, restart intervals and multi-component scans are refused by name.
/// </summary>
internal static class JpegLsDecoder
{
    private const int Soi = 0xD8, Eoi = 0xD9, Sof55 = 0xF7, Lse = 0xF8, Sos = 0xDA, Dri = 0xDD;

    /// <summary>
    /// Decodes one frame into <paramref name="samples"/> (rows × columns unsigned P-bit values).
    /// <paramref name="frame"/> (0-based) is named in error messages.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> data, int rows, int columns, Span<int> samples, string path, int frame)
    {
        var context = new ErrorContext(path, frame);
        if (data.Length < 4 || data[0] != 0xFF || data[1] != Soi)
            throw context.Corrupt("the frame does not start with a JPEG SOI marker");

        int precision = 0, componentId = -1;
        JpegLsParameters? custom = null;
        int pos = 2;
        while (true)
        {
            if (pos >= data.Length || data[pos] != 0xFF)
                throw context.Corrupt($"expected a JPEG-LS marker at byte {pos}");
            while (pos < data.Length && data[pos] == 0xFF) pos++;
            if (pos >= data.Length) throw context.Corrupt("the data ends inside a marker");
            int marker = data[pos++];
            if (marker == Eoi) throw context.Corrupt("the data ends before its scan");
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue; // markers without a length
            if (pos + 2 > data.Length) throw context.Corrupt("the data ends inside a segment length");
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2 || pos + length > data.Length)
                throw context.Corrupt($"a segment (marker 0x{marker:X2}) claims {length} bytes past the end of the data");
            var segment = data.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case Sof55:
                    (precision, componentId) = ReadFrameHeader(segment, rows, columns, context);
                    break;
                case Lse:
                    custom = ReadPresetParameters(segment, context);
                    break;
                case Dri:
                    if (segment.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(segment) != 0)
                        throw new InvalidInputException(path, $"frame {frame + 1} is JPEG-LS with restart intervals, which NativeSeg does not decode; convert it with `gdcmconv --raw in.dcm out.dcm` (GDCM)");
                    break;
                case Sos:
                    if (precision == 0) throw context.Corrupt("the scan comes before a JPEG-LS (SOF55) frame header");
                    int near = ReadScanHeader(segment, componentId, context);
                    var parameters = JpegLsParameters.Resolve(precision, near, custom, context);
                    new JpegLsScan(parameters, rows, columns).Decode(data, pos, samples, context);
                    return; // one component is one scan; what follows (EOI) is not needed
                case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                    throw context.Corrupt($"the frame uses JPEG process SOF{marker - 0xC0}, not JPEG-LS (SOF55), under a JPEG-LS transfer syntax");
                default:
                    break; // APPn, COM and others carry nothing the decoder needs
            }
        }
    }

    private static (int Precision, int ComponentId) ReadFrameHeader(ReadOnlySpan<byte> s, int rows, int columns, ErrorContext context)
    {
        if (s.Length < 6) throw context.Corrupt("the SOF55 segment is too short");
        int precision = s[0], height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]), width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]), components = s[5];
        if (precision is < 2 or > 16) throw context.Corrupt($"sample precision {precision} is outside 2..16");
        if (components != 1)
            throw new InvalidInputException(context.Path, $"frame {context.Frame + 1} is a {components}-component JPEG-LS image; only single-component (greyscale) CT is supported");
        if (s.Length < 9) throw context.Corrupt("the SOF55 segment is too short");
        if (height != rows || width != columns)
            throw context.Corrupt($"the JPEG-LS frame is {width}×{height} but the DICOM header says {columns}×{rows}");
        return (precision, s[6]);
    }

    /// <summary>LSE (T.87 C.2.4.1): type 1 presets MAXVAL, T1, T2, T3 and RESET; 0 keeps a default.</summary>
    private static JpegLsParameters ReadPresetParameters(ReadOnlySpan<byte> s, ErrorContext context)
    {
        if (s.Length < 1) throw context.Corrupt("an LSE segment is empty");
        if (s[0] != 1)
            throw new InvalidInputException(context.Path, $"frame {context.Frame + 1} uses JPEG-LS preset type {s[0]} (mapping tables or oversize dimensions), which NativeSeg does not decode; convert it with `gdcmconv --raw in.dcm out.dcm` (GDCM)");
        if (s.Length < 11) throw context.Corrupt("the LSE parameter segment is too short");
        var v = s[1..];
        return new JpegLsParameters(BinaryPrimitives.ReadUInt16BigEndian(v), BinaryPrimitives.ReadUInt16BigEndian(v[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(v[4..]), BinaryPrimitives.ReadUInt16BigEndian(v[6..]), BinaryPrimitives.ReadUInt16BigEndian(v[8..]), 0);
    }

    private static int ReadScanHeader(ReadOnlySpan<byte> s, int componentId, ErrorContext context)
    {
        if (s.Length < 6 || s[0] != 1) throw context.Corrupt("the SOS segment is malformed or names more than one component");
        if (s[1] != componentId) throw context.Corrupt($"the scan names component {s[1]}, the frame has {componentId}");
        if (s[2] != 0)
            throw new InvalidInputException(context.Path, $"frame {context.Frame + 1} uses JPEG-LS mapping table {s[2]}, which NativeSeg does not decode; convert it with `gdcmconv --raw in.dcm out.dcm` (GDCM)");
        if ((s[5] & 15) != 0) throw context.Corrupt($"the scan has point transform {s[5] & 15}; JPEG-LS scans have none");
        // s[4] is the interleave mode: with one component every mode codes the same line after line.
        return s[3];
    }

    internal readonly record struct ErrorContext(string Path, int Frame)
    {
        public InvalidInputException Corrupt(string reason) => new(Path, $"corrupt JPEG-LS pixel data in frame {Frame + 1}: {reason}");
    }
}
