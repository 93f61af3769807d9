using System.Buffers.Binary;
using NativeSeg.IO.Dicom.Codecs;
using NativeSeg.IO.Dicom.Codecs.Jpeg2000;

namespace NativeSeg.IO.Dicom;

/// <summary>
/// Decodes the pixel data of a DICOM file: native (uncompressed) little or big endian, RLE Lossless, JPEG Lossless
/// (process 14), lossy JPEG (baseline, extended, progressive), JPEG-LS and JPEG 2000 with NativeSeg's own decoders. Other
/// encapsulated syntaxes are refused with the syntax named and the command that converts them.
/// </summary>
public static class DicomPixelDecoder
{
    /// <summary>
    /// The stored values of one frame (after BitsStored masking and sign extension, before rescale), row by row,
    /// column fastest.
    /// </summary>
    public static int[] DecodeStoredValues(DicomFile file, int frame = 0)
    {
        var format = DicomPixelFormat.Read(file);
        var stored = new int[CheckedPixelCount(file, format)];
        DecodeStoredValues(file, format, frame, stored);
        return stored;
    }

    internal static void DecodeStoredValues(DicomFile file, DicomPixelFormat format, int frame, Span<int> stored)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (frame < 0 || frame >= format.Frames)
            throw new ArgumentOutOfRangeException(nameof(frame), $"frame {frame} of {format.Frames}");
        if (!file.PixelDataRead)
            throw new InvalidOperationException($"{file.Path} was opened header-only; open it again to read pixels.");
        var element = file.Dataset.Find(DicomTags.PixelData)
            ?? throw new InvalidInputException(file.Path, "the file has no pixel data (7FE0,0010)");
        var syntax = file.TransferSyntax;
        int pixels = format.PixelsPerFrame;

        if (element.Fragments is null)
        {
            if (syntax.PixelEncoding != PixelEncoding.Native)
                throw new InvalidInputException(file.Path, $"the transfer syntax is {syntax} but the pixel data is not encapsulated");
            DecodeNative(file, format, element, frame, stored);
            return;
        }

        switch (syntax.PixelEncoding)
        {
            case PixelEncoding.Rle:
            {
                var bytes = element.Fragments.Frame(frame, format.Frames, file.Path);
                RleDecoder.Decode(bytes.Span, format.BytesPerSample, stored[..pixels], file.Path);
                var map = format.StoredValues;
                for (int i = 0; i < pixels; i++) stored[i] = map.Of(stored[i]);
                break;
            }
            case PixelEncoding.JpegLossless:
            {
                var bytes = element.Fragments.Frame(frame, format.Frames, file.Path);
                JpegLosslessDecoder.Decode(bytes.Span, format.Rows, format.Columns, stored[..pixels], file.Path);
                // JPEG samples are the stored values themselves (precision = BitsStored): mask and sign-extend, no shift.
                var map = new DicomPixelFormat.StoredValueMap(0, format.BitsStored, format.IsSigned);
                for (int i = 0; i < pixels; i++) stored[i] = map.Of(stored[i]);
                break;
            }
            case PixelEncoding.Jpeg2000:
            {
                var bytes = element.Fragments.Frame(frame, format.Frames, file.Path);
                Jpeg2000Decoder.Decode(bytes.Span, format.Rows, format.Columns, stored[..pixels], file.Path, frame);
                // As for JPEG: the samples are the stored values (precision = BitsStored); mask and sign-extend as the
                // DICOM header says, which also reads a stream whose signedness disagrees with PixelRepresentation.
                var j2kMap = new DicomPixelFormat.StoredValueMap(0, format.BitsStored, format.IsSigned);
                for (int i = 0; i < pixels; i++) stored[i] = j2kMap.Of(stored[i]);
                break;
            }
            case PixelEncoding.JpegDct or PixelEncoding.JpegLs:
            {
                var bytes = element.Fragments.Frame(frame, format.Frames, file.Path);
                if (syntax.PixelEncoding == PixelEncoding.JpegDct)
                    JpegDctDecoder.Decode(bytes.Span, format.Rows, format.Columns, stored[..pixels], file.Path, frame);
                else
                    JpegLsDecoder.Decode(bytes.Span, format.Rows, format.Columns, stored[..pixels], file.Path, frame);
                // As for JPEG Lossless: the samples are the stored values (precision = BitsStored).
                var map = new DicomPixelFormat.StoredValueMap(0, format.BitsStored, format.IsSigned);
                for (int i = 0; i < pixels; i++) stored[i] = map.Of(stored[i]);
                break;
            }
            case PixelEncoding.Native:
                throw new InvalidInputException(file.Path, $"the transfer syntax is {syntax} (uncompressed) but the pixel data is encapsulated");
            default:
                throw Unsupported(file);
        }
    }

    private static InvalidInputException Unsupported(DicomFile file) =>
        new(file.Path, $"the pixel data is compressed with {file.TransferSyntax.Name} ({file.TransferSyntax.Uid}), which NativeSeg does not decode; {file.TransferSyntax.ConversionHint}");

    /// <summary>
    /// The value every padding pixel (PixelPaddingValue, or the range up to PixelPaddingRangeLimit) becomes: air.
    /// Padding marks pixels outside the scanned field of view; scanners store it far below any real value
    /// (−2000, −3024 …), which as "HU" would be a strong false edge. Real CT starts at about −1024 HU (air), so
    /// padding reads as air. (dcm2niix keeps the raw padding value instead; the test data compared with it has no padding.)
    /// </summary>
    public const float PaddingHounsfield = -1024f;

    /// <summary>
    /// One frame in Hounsfield units: stored × RescaleSlope + RescaleIntercept (top-level attributes, as classic CT
    /// images carry them), padding mapped to <see cref="PaddingHounsfield"/>. Enhanced multi-frame images keep their
    /// rescale in functional groups; <see cref="DicomSeriesReader"/> applies those per frame.
    /// </summary>
    public static float[] DecodeHounsfield(DicomFile file, int frame = 0)
    {
        var format = DicomPixelFormat.Read(file);
        int pixels = CheckedPixelCount(file, format);
        var hu = new float[pixels];
        var rescale = Rescale.Read(file.Dataset, file.Path);
        DecodeHounsfield(file, format, frame, rescale, hu, new int[pixels]);
        return hu;
    }

    /// <summary>RescaleSlope and RescaleIntercept (defaults 1 and 0), within <see cref="CtIntensityLimits"/>.</summary>
    internal readonly record struct Rescale(double Slope, double Intercept)
    {
        public static Rescale Read(DicomDataset ds, string path)
        {
            double slope = ds.GetDecimal(DicomTags.RescaleSlope, 1), intercept = ds.GetDecimal(DicomTags.RescaleIntercept, 0);
            CtIntensityLimits.RequireSlope(slope, path, "RescaleSlope");
            CtIntensityLimits.RequireIntercept(intercept, path, "RescaleIntercept");
            return new Rescale(slope, intercept);
        }
    }

    internal static void DecodeHounsfield(DicomFile file, DicomPixelFormat format, int frame, Rescale rescale, Span<float> hu, Span<int> scratch)
    {
        DecodeStoredValues(file, format, frame, scratch);
        var (paddingLow, paddingHigh) = PaddingRange(file, format);
        double slope = rescale.Slope, intercept = rescale.Intercept;
        int pixels = format.PixelsPerFrame;
        if (paddingLow > paddingHigh)
        {
            for (int i = 0; i < pixels; i++) hu[i] = (float)(scratch[i] * slope + intercept);
            return;
        }
        for (int i = 0; i < pixels; i++)
        {
            int v = scratch[i];
            hu[i] = v >= paddingLow && v <= paddingHigh ? PaddingHounsfield : (float)(v * slope + intercept);
        }
    }

    /// <summary>The stored values that mean padding, as an inclusive range; empty (low > high) when there is none.</summary>
    private static (int Low, int High) PaddingRange(DicomFile file, DicomPixelFormat format)
    {
        var ds = file.Dataset;
        var padding = ds.GetUInt16(DicomTags.PixelPaddingValue);
        if (padding is null) return (1, 0);
        // PixelPaddingValue is US or SS like the pixels (PixelRepresentation decides); implicit VR files do not say which.
        int value = format.IsSigned ? (short)padding.Value : padding.Value;
        var limit = ds.GetUInt16(DicomTags.PixelPaddingRangeLimit);
        if (limit is null) return (value, value);
        int other = format.IsSigned ? (short)limit.Value : limit.Value;
        return (Math.Min(value, other), Math.Max(value, other));
    }

    /// <summary>
    /// Rows × columns, after checking the pixel data against the header: native pixel data must be exactly
    /// Rows × Columns × SamplesPerPixel × BitsAllocated/8 × NumberOfFrames bytes (plus the one padding byte that makes
    /// an odd length even), since any other length means the header describes another image (one column short
    /// shears every row); encapsulated data must at least be able to hold that many pixels.
    /// </summary>
    internal static int CheckedPixelCount(DicomFile file, DicomPixelFormat format)
    {
        long perFrame = (long)format.Rows * format.Columns;
        var element = file.Dataset.Find(DicomTags.PixelData);
        if (element is null || !file.PixelDataRead) return (int)perFrame;
        if (element.Fragments is not null && file.TransferSyntax.PixelEncoding == PixelEncoding.Unsupported)
            throw Unsupported(file); // other codecs compress further than ours; refuse them by name first
        long available = element.Fragments is null ? element.Value.Length : TotalFragmentBytes(element.Fragments);
        if (element.Fragments is null)
        {
            long exact = perFrame * format.Frames * format.BytesPerSample;
            bool evenPadding = exact % 2 == 1 && available == exact + 1;
            if (available != exact && !evenPadding)
                throw new InvalidInputException(file.Path,
                    $"PixelData holds {available} bytes but Rows × Columns × SamplesPerPixel × BitsAllocated/8 × NumberOfFrames = {format.Rows} × {format.Columns} × 1 × {format.BytesPerSample} × {format.Frames} = {exact}: the header does not describe this image");
            return (int)perFrame;
        }
        // Encapsulated: PackBits turns 2 bytes into at most 128, JPEG codes take at least 1 bit per sample. JPEG 2000
        // codes a blank frame in a few hundred bytes whatever its size: allow 8192:1, and no frame over 2^28 pixels.
        bool jpeg2000 = file.TransferSyntax.PixelEncoding == PixelEncoding.Jpeg2000;
        if (jpeg2000 && perFrame > 1 << 28)
            throw new InvalidInputException(file.Path, $"the header describes {format.Columns}×{format.Rows} pixels per frame, more than NativeSeg decodes from JPEG 2000");
        // Lossy JPEG takes at least 2 bits per 8×8 block and JPEG-LS run mode 1 bit per up to 2^15 samples, so for those
        // a looser bound (still proportional to the file's size) keeps flat but valid images readable.
        int ratio = jpeg2000 ? 8192 : file.TransferSyntax.PixelEncoding is PixelEncoding.JpegDct or PixelEncoding.JpegLs ? 4096 : 64;
        long needed = perFrame * format.Frames * format.BytesPerSample / ratio;
        if (needed > available)
            throw new InvalidInputException(file.Path,
                $"the header describes {format.Frames} frame(s) of {format.Columns}×{format.Rows} {format.BitsAllocated}-bit pixels, more than the {available} bytes of pixel data can hold");
        return (int)perFrame;
    }

    private static long TotalFragmentBytes(EncapsulatedPixelData fragments)
    {
        long total = 0;
        for (int i = 0; i < fragments.FragmentCount; i++) total += fragments.Fragment(i).Length;
        return total;
    }

    private static void DecodeNative(DicomFile file, DicomPixelFormat format, DicomElement element, int frame, Span<int> stored)
    {
        int pixels = format.PixelsPerFrame;
        long frameBytes = (long)pixels * format.BytesPerSample;
        long offset = frameBytes * frame;
        if (offset + frameBytes > element.Value.Length)
            throw new InvalidInputException(file.Path,
                $"the pixel data has {element.Value.Length} bytes; frame {frame} of {format.Columns}×{format.Rows} {format.BitsAllocated}-bit pixels needs {offset + frameBytes}");
        var source = element.Value.Span.Slice((int)offset, (int)frameBytes);
        var map = format.StoredValues;
        if (format.BitsAllocated == 8)
        {
            for (int i = 0; i < pixels; i++) stored[i] = map.Of(source[i]);
        }
        else if (file.TransferSyntax.IsBigEndian)
        {
            for (int i = 0; i < pixels; i++) stored[i] = map.Of(BinaryPrimitives.ReadUInt16BigEndian(source[(2 * i)..]));
        }
        else if (format.BitsStored == 16 && format.IsSigned)
        {
            // The common CT layout: plain int16, nothing to mask.
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(source);
            if (BitConverter.IsLittleEndian)
                for (int i = 0; i < pixels; i++) stored[i] = words[i];
            else
                for (int i = 0; i < pixels; i++) stored[i] = BinaryPrimitives.ReverseEndianness(words[i]);
        }
        else
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(source);
            if (BitConverter.IsLittleEndian)
                for (int i = 0; i < pixels; i++) stored[i] = map.Of(words[i]);
            else
                for (int i = 0; i < pixels; i++) stored[i] = map.Of(BinaryPrimitives.ReverseEndianness(words[i]));
        }
    }
}
