using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom;

/// <summary>
/// Writes small DICOM files for tests that real data cannot cover (tilt, gaps, mixed sizes, enhanced multi-frame,
/// nested undefined-length sequences). Little endian, explicit or implicit VR; elements are written in tag order.
/// </summary>
internal sealed class SyntheticDicom
{
    private readonly SortedDictionary<uint, (DicomTag Tag, string Vr, byte[]? Value, SyntheticDicom[]? Items, bool Undefined)> _elements = [];

    public SyntheticDicom Text(DicomTag tag, string vr, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        if (bytes.Length % 2 == 1) bytes = [.. bytes, vr == "UI" ? (byte)0 : (byte)' '];
        return Bytes(tag, vr, bytes);
    }

    public SyntheticDicom Decimals(DicomTag tag, params double[] values) =>
        Text(tag, "DS", string.Join('\\', values.Select(v => v.ToString("G10", CultureInfo.InvariantCulture))));

    public SyntheticDicom UInt16(DicomTag tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Bytes(tag, "US", bytes);
    }

    public SyntheticDicom Bytes(DicomTag tag, string vr, byte[] value)
    {
        _elements[tag.Value] = (tag, vr, value, null, false);
        return this;
    }

    public SyntheticDicom Sequence(DicomTag tag, bool undefinedLength, params SyntheticDicom[] items)
    {
        _elements[tag.Value] = (tag, "SQ", null, items, undefinedLength);
        return this;
    }

    public SyntheticDicom Remove(DicomTag tag)
    {
        _elements.Remove(tag.Value);
        return this;
    }

    /// <summary>A Part 10 file: preamble, "DICM", meta header and the dataset.</summary>
    public byte[] ToFile(string transferSyntaxUid = "1.2.840.10008.1.2.1", bool preamble = true)
    {
        var meta = new SyntheticDicom()
            .Bytes(new DicomTag(0x0002, 0x0001), "OB", [0, 1])
            .Text(DicomTags.MediaStorageSopClassUid, "UI", "1.2.840.10008.5.1.4.1.1.2")
            .Text(DicomTags.TransferSyntaxUid, "UI", transferSyntaxUid);
        var metaBody = meta.Encode(explicitVr: true);
        var groupLength = new byte[12];
        groupLength[0] = 2; groupLength[4] = (byte)'U'; groupLength[5] = (byte)'L'; groupLength[6] = 4;
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength.AsSpan(8), (uint)metaBody.Length);
        using var stream = new MemoryStream();
        if (preamble)
        {
            stream.Write(new byte[128]);
            stream.Write("DICM"u8);
        }
        stream.Write(groupLength);
        stream.Write(metaBody);
        stream.Write(Encode(explicitVr: transferSyntaxUid != "1.2.840.10008.1.2"));
        return stream.ToArray();
    }

    public byte[] Encode(bool explicitVr)
    {
        using var stream = new MemoryStream();
        foreach (var (tag, vr, value, items, undefined) in _elements.Values)
        {
            byte[] body;
            if (items is not null)
            {
                using var seq = new MemoryStream();
                foreach (var item in items)
                {
                    var itemBody = item.Encode(explicitVr);
                    WriteItemHeader(seq, DicomTags.Item, undefined ? 0xFFFFFFFF : (uint)itemBody.Length);
                    seq.Write(itemBody);
                    if (undefined) WriteItemHeader(seq, DicomTags.ItemDelimitationItem, 0);
                }
                if (undefined) WriteItemHeader(seq, DicomTags.SequenceDelimitationItem, 0);
                body = seq.ToArray();
            }
            else
            {
                body = value!;
            }
            uint length = undefined ? 0xFFFFFFFF : (uint)body.Length;
            WriteTag(stream, tag);
            if (!explicitVr)
            {
                WriteUInt32(stream, length);
            }
            else if (vr is "OB" or "OW" or "SQ" or "UN" or "UT" or "OF")
            {
                stream.Write(Encoding.ASCII.GetBytes(vr));
                stream.Write(new byte[2]);
                WriteUInt32(stream, length);
            }
            else
            {
                stream.Write(Encoding.ASCII.GetBytes(vr));
                var l = new byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(l, (ushort)length);
                stream.Write(l);
            }
            stream.Write(body);
        }
        return stream.ToArray();
    }

    /// <summary>A minimal classic CT slice: 16-bit signed pixels, identity rescale unless given.</summary>
    public static SyntheticDicom CtSlice(string seriesUid, double[] position, short[] pixels, int rows, int columns,
        double[]? orientation = null, double[]? spacing = null, string modality = "CT", double slope = 1, double intercept = 0)
    {
        var pixelBytes = new byte[pixels.Length * 2];
        for (int i = 0; i < pixels.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(pixelBytes.AsSpan(2 * i), pixels[i]);
        return new SyntheticDicom()
            .Text(DicomTags.SopClassUid, "UI", "1.2.840.10008.5.1.4.1.1.2")
            .Text(DicomTags.Modality, "CS", modality)
            .Text(DicomTags.SeriesInstanceUid, "UI", seriesUid)
            .Decimals(DicomTags.ImagePositionPatient, position)
            .Decimals(DicomTags.ImageOrientationPatient, orientation ?? [1, 0, 0, 0, 1, 0])
            .UInt16(DicomTags.SamplesPerPixel, 1)
            .Text(DicomTags.PhotometricInterpretation, "CS", "MONOCHROME2")
            .UInt16(DicomTags.Rows, (ushort)rows)
            .UInt16(DicomTags.Columns, (ushort)columns)
            .Decimals(DicomTags.PixelSpacing, spacing ?? [0.5, 0.75])
            .UInt16(DicomTags.BitsAllocated, 16)
            .UInt16(DicomTags.BitsStored, 16)
            .UInt16(DicomTags.HighBit, 15)
            .UInt16(DicomTags.PixelRepresentation, 1)
            .Decimals(DicomTags.RescaleIntercept, intercept)
            .Decimals(DicomTags.RescaleSlope, slope)
            .Bytes(DicomTags.PixelData, "OW", pixelBytes);
    }

    private static void WriteTag(Stream s, DicomTag tag)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(b, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), tag.Element);
        s.Write(b);
    }

    private static void WriteUInt32(Stream s, uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteItemHeader(Stream s, DicomTag tag, uint length)
    {
        WriteTag(s, tag);
        WriteUInt32(s, length);
    }
}
