using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom;

public class DicomFileTests
{
    private static string CtSmall => DicomTestData.Codec("pydicom_CT_small.dcm");

    [Test]
    public void ExplicitLittleEndianSliceHasItsHeaderValues()
    {
        var file = DicomFile.Open(Path.Combine(DicomTestData.Case009Folder, "1-001.dcm"));
        Assert.Multiple(() =>
        {
            Assert.That(file.HasPreamble, Is.True);
            Assert.That(file.TransferSyntax, Is.EqualTo(TransferSyntax.ExplicitVrLittleEndian));
            Assert.That(file.Dataset.GetString(DicomTags.Modality), Is.EqualTo("CT"));
            Assert.That(file.Dataset.GetUInt16(DicomTags.Rows), Is.EqualTo(512));
            Assert.That(file.Dataset.GetUInt16(DicomTags.BitsStored), Is.EqualTo(12));
            Assert.That(file.Dataset.GetDecimals(DicomTags.ImagePositionPatient), Is.EqualTo(new[] { -249.51171875, -415.51171875, -294.5 }));
            Assert.That(file.Dataset.GetDecimal(DicomTags.RescaleIntercept, 0), Is.EqualTo(-1000));
            Assert.That(file.Dataset.Get(DicomTags.PixelData).Value.Length, Is.EqualTo(512 * 512 * 2));
        });
    }

    [Test]
    public void HeaderOnlyStopsAtPixelData()
    {
        var file = DicomFile.Open(Path.Combine(DicomTestData.Case009Folder, "1-001.dcm"), headerOnly: true);
        Assert.That(file.PixelDataRead, Is.False);
        Assert.That(file.Dataset.Contains(DicomTags.PixelData), Is.False);
        Assert.That(file.Dataset.GetUInt16(DicomTags.Columns), Is.EqualTo(512));
        Assert.Throws<InvalidOperationException>(() => DicomPixelDecoder.DecodeStoredValues(file));
    }

    [Test]
    public void ImplicitLittleEndianSliceParses()
    {
        var file = DicomFile.Open(DicomTestData.Data("cip", "ct-64_dicom", "IMG0001.dcm"));
        Assert.That(file.TransferSyntax, Is.EqualTo(TransferSyntax.ImplicitVrLittleEndian));
        Assert.That(file.Dataset.GetUInt16(DicomTags.Rows), Is.EqualTo(64));
        Assert.That(file.Dataset.GetDecimals(DicomTags.ImageOrientationPatient), Has.Length.EqualTo(6));
        Assert.That(DicomPixelDecoder.DecodeStoredValues(file), Has.Length.EqualTo(64 * 64));
    }

    /// <summary>dcmtk re-encoded CT_small in each syntax (see Fixtures/Dicom/make_syntax_fixtures.sh): every copy must give the original pixels.</summary>
    [TestCase("ct_small_implicit_le.dcm", "1.2.840.10008.1.2")]
    [TestCase("ct_small_explicit_be.dcm", "1.2.840.10008.1.2.2")]
    [TestCase("ct_small_deflated.dcm", "1.2.840.10008.1.2.1.99")]
    [TestCase("ct_small_rle.dcm", "1.2.840.10008.1.2.5")]
    [TestCase("ct_small_jpll_sv2.dcm", "1.2.840.10008.1.2.4.57")]
    [TestCase("ct_small_jpll_sv4.dcm", "1.2.840.10008.1.2.4.57")]
    [TestCase("ct_small_jpll_sv5.dcm", "1.2.840.10008.1.2.4.57")]
    [TestCase("ct_small_jpll_sv6.dcm", "1.2.840.10008.1.2.4.57")]
    [TestCase("ct_small_jpll_sv7.dcm", "1.2.840.10008.1.2.4.57")]
    public void EveryEncodingOfCtSmallGivesTheSamePixelsAndHeader(string fixture, string syntaxUid)
    {
        var original = DicomFile.Open(CtSmall);
        var copy = DicomFile.Open(DicomTestData.Fixture(fixture));
        Assert.That(copy.TransferSyntax.Uid, Is.EqualTo(syntaxUid));
        foreach (var tag in new[] { DicomTags.SeriesInstanceUid, DicomTags.ImagePositionPatient, DicomTags.PixelSpacing, DicomTags.RescaleIntercept })
            Assert.That(copy.Dataset.GetString(tag), Is.EqualTo(original.Dataset.GetString(tag)), tag.ToString());
        Assert.That(copy.Dataset.GetUInt16(DicomTags.Rows), Is.EqualTo(128));
        var expected = DicomPixelDecoder.DecodeStoredValues(original);
        Assert.That(expected.Distinct().Count(), Is.GreaterThan(100)); // a real image, not a constant
        Assert.That(DicomPixelDecoder.DecodeStoredValues(copy), Is.EqualTo(expected));
    }

    [Test]
    public void FileWithoutPreambleParsesTheSame()
    {
        var bytes = File.ReadAllBytes(CtSmall);
        var withoutPreamble = DicomFile.Parse(bytes[132..], "no-preamble.dcm");
        Assert.That(withoutPreamble.HasPreamble, Is.False);
        Assert.That(withoutPreamble.TransferSyntax, Is.EqualTo(TransferSyntax.ExplicitVrLittleEndian));
        Assert.That(DicomPixelDecoder.DecodeStoredValues(withoutPreamble), Is.EqualTo(DicomPixelDecoder.DecodeStoredValues(DicomFile.Open(CtSmall))));
    }

    [Test]
    public void RawImplicitDatasetWithoutMetaHeaderParses()
    {
        var file = DicomFile.Open(DicomTestData.Fixture("ct_small_implicit_le.dcm"));
        var bytes = File.ReadAllBytes(DicomTestData.Fixture("ct_small_implicit_le.dcm"));
        int metaLength = BitConverter.ToInt32(bytes, 140); // (0002,0000) UL value: bytes after it that belong to the meta header
        var raw = DicomFile.Parse(bytes[(144 + metaLength)..], "raw-implicit.dcm");
        Assert.That(raw.Meta.Count, Is.EqualTo(0));
        Assert.That(raw.TransferSyntax, Is.EqualTo(TransferSyntax.ImplicitVrLittleEndian));
        Assert.That(DicomPixelDecoder.DecodeStoredValues(raw), Is.EqualTo(DicomPixelDecoder.DecodeStoredValues(file)));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void NestedSequencesWithDefinedAndUndefinedLengthsAndPrivateTagsParse(bool explicitVr)
    {
        var inner = new SyntheticDicom().Text(DicomTags.SeriesDescription, "LO", "inner");
        var item = new SyntheticDicom()
            .Decimals(DicomTags.ImagePositionPatient, 1, 2, 3)
            .Sequence(DicomTags.PlanePositionSequence, undefinedLength: false, inner, inner);
        var data = SyntheticDicom.CtSlice("1.2.3", [0, 0, 0], [1, 2, 3, 4], 2, 2)
            .Sequence(DicomTags.PerFrameFunctionalGroupsSequence, undefinedLength: true, item, new SyntheticDicom())
            .Sequence(new DicomTag(0x0009, 0x1002), undefinedLength: true, item)            // private sequence
            .Text(new DicomTag(0x0009, 0x0010), "LO", "PRIVATE CREATOR")
            .Bytes(new DicomTag(0x0009, 0x1001), "OB", [1, 2, 3])                              // odd length
            .Bytes(new DicomTag(0x0019, 0x1001), "UN", [9, 9, 9, 9, 9]);
        var file = DicomFile.Parse(data.ToFile(explicitVr ? "1.2.840.10008.1.2.1" : "1.2.840.10008.1.2"), "nested.dcm");

        var items = file.Dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        Assert.That(items, Has.Count.EqualTo(2));
        Assert.That(items[0].GetDecimals(DicomTags.ImagePositionPatient), Is.EqualTo(new[] { 1.0, 2, 3 }));
        var nested = items[0].GetSequence(DicomTags.PlanePositionSequence);
        Assert.That(nested, Has.Count.EqualTo(2));
        Assert.That(nested[1].GetString(DicomTags.SeriesDescription), Is.EqualTo("inner"));
        Assert.That(items[1].Count, Is.EqualTo(0));
        Assert.That(file.Dataset.Get(new DicomTag(0x0009, 0x1001)).Value.Length, Is.EqualTo(3));
        Assert.That(file.Dataset.GetSequence(new DicomTag(0x0009, 0x1002)), Has.Count.EqualTo(1));
        Assert.That(DicomPixelDecoder.DecodeStoredValues(file), Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void BitsStoredMasksHighBitsAndSignExtends()
    {
        // 12 stored bits with garbage above them (as overlays once used): 0xF123 keeps 0x123; signed 0x0800 is -2048.
        var words = new short[] { unchecked((short)0xF123), 0x0800, 0x07FF, unchecked((short)0xAFFF) };
        var slice = SyntheticDicom.CtSlice("1.2.3", [0, 0, 0], words, 2, 2).UInt16(DicomTags.BitsStored, 12).UInt16(DicomTags.HighBit, 11);
        var unsigned = DicomFile.Parse(slice.UInt16(DicomTags.PixelRepresentation, 0).ToFile(), "u12.dcm");
        Assert.That(DicomPixelDecoder.DecodeStoredValues(unsigned), Is.EqualTo(new[] { 0x123, 0x800, 0x7FF, 0xFFF }));
        var signed = DicomFile.Parse(slice.UInt16(DicomTags.PixelRepresentation, 1).ToFile(), "s12.dcm");
        Assert.That(DicomPixelDecoder.DecodeStoredValues(signed), Is.EqualTo(new[] { 0x123, -2048, 2047, -1 }));
    }

    [Test]
    public void EightBitPixelsAndRescaleGiveHounsfieldUnits()
    {
        var slice = SyntheticDicom.CtSlice("1.2.3", [0, 0, 0], [0], 2, 2, slope: 2.5, intercept: -1000)
            .UInt16(DicomTags.BitsAllocated, 8).UInt16(DicomTags.BitsStored, 8).UInt16(DicomTags.HighBit, 7)
            .UInt16(DicomTags.PixelRepresentation, 0)
            .Bytes(DicomTags.PixelData, "OB", [0, 10, 200, 255]);
        var hu = DicomPixelDecoder.DecodeHounsfield(DicomFile.Parse(slice.ToFile(), "u8.dcm"));
        Assert.That(hu, Is.EqualTo(new[] { -1000f, -975f, -500f, -362.5f }));
    }

    [Test]
    public void PaddingValueBecomesAir()
    {
        // A GE slice with PixelPaddingValue -2000 outside the circular field of view, intercept -1024.
        var file = DicomFile.Open(DicomTestData.Data("dicom", "slice001.dcm"));
        var stored = DicomPixelDecoder.DecodeStoredValues(file);
        var hu = DicomPixelDecoder.DecodeHounsfield(file);
        int padded = stored.Count(v => v == -2000);
        Assert.That(padded, Is.GreaterThan(10000));
        int wrong = 0;
        for (int i = 0; i < stored.Length; i++)
            if (hu[i] != (stored[i] == -2000 ? DicomPixelDecoder.PaddingHounsfield : stored[i] - 1024f)) wrong++;
        Assert.That(wrong, Is.Zero);
    }

    [TestCase("1.2.840.10008.1.2.4.92")]
    [TestCase("1.2.840.10008.1.2.4.93")]
    [TestCase("1.2.840.10008.1.2.4.201")]
    [TestCase("1.2.840.10008.1.2.4.203")]
    public void Jpeg2000ExtensionsAreRefusedWithAToolThatDecodesThem(string uid)
    {
        // Part 1 JPEG 2000 (.90, .91) is decoded; Part 2 and High-Throughput are not. dcmtk's free tools cannot
        // decode any JPEG 2000, so the hint names GDCM only.
        var syntax = TransferSyntax.FromUid(uid);
        Assert.That(syntax.PixelEncoding, Is.EqualTo(PixelEncoding.Unsupported));
        Assert.That(syntax.ConversionHint, Does.Contain("gdcmconv --raw").And.Not.Contain("dcmdjpeg").And.Not.Contain("dcmdjpls"));
        Assert.That(TransferSyntax.FromUid("1.2.840.10008.1.2.4.90").PixelEncoding, Is.EqualTo(PixelEncoding.Jpeg2000));
        Assert.That(TransferSyntax.FromUid("1.2.840.10008.1.2.4.91").PixelEncoding, Is.EqualTo(PixelEncoding.Jpeg2000));
    }

    [Test]
    public void TruncatedFileNamesTheFileAndTheReason()
    {
        var bytes = File.ReadAllBytes(CtSmall);
        var e = Assert.Throws<InvalidInputException>(() => DicomFile.Parse(bytes[..20000], "cut.dcm"))!;
        Assert.That(e.Path, Is.EqualTo("cut.dcm"));
        Assert.That(e.Reason, Does.Contain("claims").Or.Contain("ends"));
    }

    [Test]
    public void NonDicomFileIsRefused()
    {
        using var temp = DicomTestData.NewTempFolder();
        File.WriteAllText(temp.File("notes.txt"), "This is not DICOM at all, just some text that is long enough to have 132 bytes. ".PadRight(300, '.'));
        Assert.That(DicomFile.LooksLikeDicom(temp.File("notes.txt")), Is.False);
        var e = Assert.Throws<InvalidInputException>(() => DicomFile.Open(temp.File("notes.txt")))!;
        Assert.That(e.Reason, Does.Contain("not a DICOM file"));
        Assert.Throws<InvalidInputException>(() => DicomFile.Open(temp.File("absent.dcm")));
    }
}
