using System.Buffers.Binary;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Dicom;
using NativeSeg.IO.Tests.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Validation;

/// <summary>
/// The edges of <see cref="CtGeometryLimits"/> and <see cref="CtIntensityLimits"/> as the readers apply them: what is
/// still accepted (boundaries, MONOCHROME1, the even-padding byte, "no scaling") and the refusals the CLI corpus does
/// not cover (qform fields, sform lengths, quaternions, pixel data one word long).
/// </summary>
public class CtInputLimitsTests
{
    [TestCase(0.05, true)]
    [TestCase(20.0, true)]
    [TestCase(0.0499, false)]
    [TestCase(20.01, false)]
    [TestCase(0.0, false)]
    [TestCase(-0.7, false)]
    [TestCase(double.NaN, false)]
    [TestCase(double.PositiveInfinity, false)]
    public void InPlaneSpacingRange(double mm, bool plausible) => Assert.That(CtGeometryLimits.IsPlausibleInPlaneSpacing(mm), Is.EqualTo(plausible));

    [TestCase(50.0, true)]
    [TestCase(50.5, false)]
    [TestCase(double.NaN, false)]
    public void SliceSpacingRange(double mm, bool plausible) => Assert.That(CtGeometryLimits.IsPlausibleSliceSpacing(mm), Is.EqualTo(plausible));

    [TestCase(1.0, true)]
    [TestCase(1000.0, true)]
    [TestCase(0.0, false)]
    [TestCase(-1.0, false)]
    [TestCase(1001.0, false)]
    [TestCase(double.NaN, false)]
    public void SlopeRange(double slope, bool plausible) => Assert.That(CtIntensityLimits.IsPlausibleSlope(slope), Is.EqualTo(plausible));

    [Test]
    public void PrintableTextHidesControlCharacters() =>
        Assert.That(InputText.Printable("RGB\u001b[2J\r\nx\u00e9"), Is.EqualTo("RGB?[2J??x?"));

    [Test]
    public void RefusalsNeverCarryControlCharacters()
    {
        var e = new InvalidInputException("odd\nname.dcm", "transfer syntax 1.2\u001b[31m\u0085");
        Assert.That(e.Message, Is.EqualTo(@"odd\x0Aname.dcm: transfer syntax 1.2\x1B[31m\x85"));
        Assert.That(e.Reason, Is.EqualTo(@"transfer syntax 1.2\x1B[31m\x85"));
        Assert.That(e.Path, Is.EqualTo("odd\nname.dcm"));
    }

    [Test]
    public void PrintableTextIsCut() => Assert.That(InputText.Printable(new string('a', 100)), Has.Length.EqualTo(65).And.EndsWith("…"));

    [Test]
    public void AGridWithPerpendicularAxesWithinRangeIsPlausible() =>
        Assert.DoesNotThrow(() => CtGeometryLimits.RequirePlausible(new Grid(4, 4, 4, Affine.FromSpacing(-0.7, -0.7, 2.5, 100, 100, -300)), "g"));

    [Test]
    public void AGridWithNearlyParallelAxesIsRefused()
    {
        var affine = new Affine(new double[,] { { 1, 0.9, 0, 0 }, { 0, 0.44, 0, 0 }, { 0, 0, 2, 0 } });
        var e = Assert.Throws<InvalidInputException>(() => CtGeometryLimits.RequirePlausible(new Grid(4, 4, 4, affine), "g"))!;
        Assert.That(e.Reason, Does.Contain("index axes 0 and 1"));
    }

    [Test]
    public void AGridWithCoplanarAxesIsRefused()
    {
        // Axes along 0°, 60° and 120° in a plane, the last two tilted 3° out of it: every pair is just over 60° apart,
        // yet the voxel volume is under a tenth of the product of the spacings.
        double h = Math.Sqrt(3) / 2;
        var affine = new Affine(new double[,] { { 1, 0.5, -0.5, 0 }, { 0, h, h, 0 }, { 0, 0.05, -0.05, 0 } });
        var e = Assert.Throws<InvalidInputException>(() => CtGeometryLimits.RequirePlausible(new Grid(4, 4, 4, affine), "g"))!;
        Assert.That(e.Reason, Does.Contain("coplanar"));
    }

    // --- NIfTI ---------------------------------------------------------------------------------------------------

    private static string NiftiWith(string folder, Action<Span<byte>> patch)
    {
        string path = Path.Combine(folder, "ct.nii");
        var grid = new Grid(8, 8, 3, Affine.FromSpacing(-0.8, -0.8, 2, 10, 10, 10));
        NiftiWriter.Write(path, new Volume<short>(grid, new short[grid.VoxelCount]), 1, -1024);
        var bytes = File.ReadAllBytes(path);
        patch(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void ExpectRefused(Action<Span<byte>> patch, string field)
    {
        string folder = NiftiTestData.TempFolder();
        try
        {
            string path = NiftiWith(folder, patch);
            var e = Assert.Throws<InvalidInputException>(() => CtReader.Read(path))!;
            Assert.That(e.Path, Is.EqualTo(path));
            Assert.That(e.Reason, Does.StartWith(field));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Volume<float> ReadPatched(Action<Span<byte>> patch)
    {
        string folder = NiftiTestData.TempFolder();
        try
        {
            return CtReader.Read(NiftiWith(folder, patch));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void QformWithZeroSliceSpacingIsRefused() => ExpectRefused(b =>
    {
        BinaryPrimitives.WriteInt16LittleEndian(b[254..], 0);   // sform_code 0: the qform decides
        BinaryPrimitives.WriteSingleLittleEndian(b[88..], 0);   // pixdim[3]
    }, "pixdim[3] = 0 mm");

    [Test]
    public void QformWithAnImpossibleQuaternionIsRefused() => ExpectRefused(b =>
    {
        BinaryPrimitives.WriteInt16LittleEndian(b[254..], 0);
        BinaryPrimitives.WriteSingleLittleEndian(b[256..], 2);  // quatern_b
    }, "quatern_b = 2");

    [Test]
    public void QformOffsetFarAwayIsRefused() => ExpectRefused(b =>
    {
        BinaryPrimitives.WriteInt16LittleEndian(b[254..], 0);
        BinaryPrimitives.WriteSingleLittleEndian(b[276..], -3e5f); // qoffset_z
    }, "qoffset_z = -300000 mm");

    [Test]
    public void SformColumnInMicrometresIsRefused() =>
        ExpectRefused(b => BinaryPrimitives.WriteSingleLittleEndian(b[320..], 2000), "the sform's column 2");

    [Test]
    public void NiftiScaledIntoAnotherUniverseIsRefused() =>
        ExpectRefused(b => BinaryPrimitives.WriteSingleLittleEndian(b[116..], 1e9f), "scl_inter = 1E+09");

    [Test]
    public void SclSlopeZeroMeansNoScaling() =>
        Assert.That(ReadPatched(b => BinaryPrimitives.WriteSingleLittleEndian(b[112..], 0)).Voxels[0], Is.Zero);

    [Test]
    public void PixdimIgnoredWhenTheSformDecides() =>
        Assert.That(ReadPatched(b => BinaryPrimitives.WriteSingleLittleEndian(b[80..], 0)).Grid.Affine.Spacing(0), Is.EqualTo(0.8).Within(1e-6));

    // --- DICOM ---------------------------------------------------------------------------------------------------

    private static SyntheticDicom Slice8Bit(byte[] pixelData) =>
        SyntheticDicom.CtSlice("9.9", [0, 0, 0], [0], 1, 1, intercept: -1024)
            .UInt16(DicomTags.Rows, 3).UInt16(DicomTags.Columns, 3)
            .UInt16(DicomTags.BitsAllocated, 8).UInt16(DicomTags.BitsStored, 8).UInt16(DicomTags.HighBit, 7).UInt16(DicomTags.PixelRepresentation, 0)
            .Decimals(DicomTags.SliceThickness, 1.25)
            .Bytes(DicomTags.PixelData, "OB", pixelData);

    private static Volume<float> ReadSlice(SyntheticDicom slice)
    {
        using var temp = DicomTestData.NewTempFolder();
        File.WriteAllBytes(temp.File("s.dcm"), slice.ToFile());
        return CtReader.Read(temp.File("s.dcm"));
    }

    [Test]
    public void OddPixelDataWithItsEvenPaddingByteIsRead()
    {
        var ct = ReadSlice(Slice8Bit([1, 2, 3, 4, 5, 6, 7, 8, 9, 0]));
        Assert.That(ct.Voxels, Is.EqualTo(Enumerable.Range(1, 9).Select(v => v - 1024f)));
        Assert.That(ct.Grid.Affine.Spacing(2), Is.EqualTo(1.25));
    }

    [Test]
    public void PixelDataOneWordTooLongIsRefused()
    {
        var e = Assert.Throws<InvalidInputException>(() => ReadSlice(Slice8Bit(new byte[12])))!;
        Assert.That(e.Reason, Does.StartWith("PixelData holds 12 bytes"));
    }

    [Test]
    public void Monochrome1IsRead() =>
        Assert.DoesNotThrow(() => ReadSlice(Slice8Bit(new byte[10]).Text(DicomTags.PhotometricInterpretation, "CS", "MONOCHROME1")));

    [Test]
    public void LoneSliceWithoutThicknessIsRefused()
    {
        var e = Assert.Throws<InvalidInputException>(() => ReadSlice(Slice8Bit(new byte[10]).Remove(DicomTags.SliceThickness)))!;
        Assert.That(e.Reason, Does.Contain("neither SliceThickness nor SpacingBetweenSlices"));
    }

    [Test]
    public void SeriesWhosePositionsAreMetresIsRefused()
    {
        using var temp = DicomTestData.NewTempFolder();
        for (int k = 0; k < 3; k++)
            File.WriteAllBytes(temp.File($"s{k}.dcm"), SyntheticDicom.CtSlice("8.8", [0, 0, 0.003 * k], [0, 0, 0, 0], 2, 2).ToFile());
        var e = Assert.Throws<InvalidInputException>(() => CtReader.Read(temp.Path))!;
        Assert.That(e.Reason, Does.StartWith("the slice spacing from ImagePositionPatient = 0.003 mm"));
    }
}
