using System.Text.Json;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Tests.Shared;

namespace NativeSeg.IO.Tests.Dicom.Writing;

/// <summary>
/// DICOM-SEG of the real Case_009 series (117 slices) with its ground-truth lung mask (no network: the mask comes from
/// the LCTSC NIfTI, moved onto the DICOM grid): valid by dciodvfy, read by dcmtk and pydicom, and equal to the mask
/// voxel for voxel when pydicom's frames are placed by their own geometry into the NIfTI's grid.
/// </summary>
[TestFixture]
public sealed class DicomSegmentationWriterTests
{
    private static readonly SegmentationAlgorithm Algorithm = new("NativeSeg", "1.2.3-test", "highresnet2d-lung.safetensors", "0.9", new string('a', 64));

    private DicomTestData.TempFolder _folder = null!;
    private DicomSeries _series = null!;
    private Volume<byte> _lungs = null!;       // the ground truth on the DICOM grid, 0/1
    private Volume<byte> _rightLeft = null!;   // split: right 1, left 2
    private string _binarySeg = null!, _splitSeg = null!, _splitNifti = null!, _splitRtStruct = null!;
    private DicomSegmentationResult _binaryResult = null!;

    private static string MaskPath => RepositoryPaths.SharedData("lctsc", "Case_009_lungmask.nii.gz");

    [OneTimeSetUp]
    public void WriteBoth()
    {
        _folder = DicomTestData.NewTempFolder();
        _series = DicomSeriesReader.ReadSeries(DicomTestData.Case009Folder);
        _lungs = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(MaskPath), _series.Volume.Grid, MaskPath);
        _rightLeft = LungSplitter.Split(_lungs);
        _binarySeg = _folder.File("lungs.dcm");
        _splitSeg = _folder.File("right_left.dcm");
        _splitNifti = _folder.File("right_left.nii.gz");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _binaryResult = DicomSegmentationWriter.Write(_binarySeg, _series.Source, _lungs, SegmentDefinition.BothLungs, Algorithm);
        double binarySeconds = clock.Elapsed.TotalSeconds;
        DicomSegmentationWriter.Write(_splitSeg, _series.Source, _rightLeft, SegmentDefinition.RightAndLeftLung, Algorithm);
        double splitSeconds = clock.Elapsed.TotalSeconds - binarySeconds;
        NiftiWriter.Write(_splitNifti, _rightLeft);
        _splitRtStruct = _folder.File("right_left_rtstruct.dcm");
        clock.Restart();
        var rt = DicomRtStructWriter.Write(_splitRtStruct, _series.Source, _rightLeft, SegmentDefinition.RightAndLeftLung, Algorithm);
        // Timings for benchmarks/RESULTS.md (no assertion: the machine is shared).
        TestContext.Progress.WriteLine($"Case_009 SEG one segment: {binarySeconds:F3} s, {new FileInfo(_binarySeg).Length} bytes, {_binaryResult.FrameCount} frames; " +
            $"right/left: {splitSeconds:F3} s, {new FileInfo(_splitSeg).Length} bytes; RTSTRUCT right/left: {clock.Elapsed.TotalSeconds:F3} s, " +
            $"{new FileInfo(_splitRtStruct).Length} bytes, {rt.ContourCount} contours");
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    [Test]
    public void TheGroundTruthIsRealAndOnTheDicomGrid()
    {
        // Guards the test itself: a misaligned or empty mask would make every comparison below meaningless.
        long lung = _lungs.Voxels.Count(v => v != 0);
        Assert.That(lung, Is.GreaterThan(500_000));
        long dark = 0;
        for (int i = 0; i < _lungs.Voxels.Length; i++)
            if (_lungs.Voxels[i] != 0 && _series.Volume.Voxels[i] < -400) dark++;
        Assert.That(dark / (double)lung, Is.GreaterThan(0.9), "the mask must lie on the lung's dark voxels");
        Assert.That(_rightLeft.Voxels.Count(v => v == 1), Is.GreaterThan(100_000));
        Assert.That(_rightLeft.Voxels.Count(v => v == 2), Is.GreaterThan(100_000));
    }

    [Test]
    public void OurReaderGetsBackEveryVoxel()
    {
        var binary = DicomSegmentationReader.Read(_binarySeg);
        Assert.That(Mismatches(binary.ToLabelVolume(_series.Volume.Grid), _lungs), Is.Zero);
        var split = DicomSegmentationReader.Read(_splitSeg);
        Assert.That(Mismatches(split.ToLabelVolume(_series.Volume.Grid), _rightLeft), Is.Zero);
        Assert.That(split.Segments.Select(s => (s.Number, s.Label, s.Type!.Value)),
            Is.EqualTo(new[] { (1, "Right lung", "3341006"), (2, "Left lung", "44029006") }));
    }

    [Test]
    public void FramesAreTheSlicesThatHoldEachSegmentAndReferenceTheirSourceImage()
    {
        var seg = DicomSegmentationReader.Read(_binarySeg);
        var slicesWithLung = Enumerable.Range(0, _lungs.Grid.SizeZ).Where(z => _lungs.Slice(z).Contains((byte)1)).ToList();
        Assert.That(seg.Frames, Has.Count.EqualTo(slicesWithLung.Count));
        Assert.That(_binaryResult.FrameCount, Is.EqualTo(slicesWithLung.Count));
        for (int f = 0; f < seg.Frames.Count; f++)
        {
            var image = _series.Source.Images[slicesWithLung[f]];
            Assert.That(seg.Frames[f].ReferencedSopInstanceUid, Is.EqualTo(image.SopInstanceUid));
            Assert.That(seg.Frames[f].Position, Is.EqualTo(image.Position).Within(1e-9));
        }
        Assert.That(seg.ReferencedSeriesInstanceUid, Is.EqualTo(_series.Source.SeriesInstanceUid));
        Assert.That(seg.SeriesInstanceUid, Does.StartWith(DicomUids.Root));
        Assert.That(seg.SopInstanceUid, Is.EqualTo(_binaryResult.SopInstanceUid));
    }

    [Test]
    public void PatientAndStudyAreCopiedFromTheSource()
    {
        var seg = DicomFile.Open(_binarySeg, headerOnly: true).Dataset;
        var source = _series.Source.Header;
        foreach (var tag in new[] { new DicomTag(0x0010, 0x0010), new DicomTag(0x0010, 0x0020), DicomTags.StudyInstanceUid, new DicomTag(0x0020, 0x0052), new DicomTag(0x0008, 0x0020) })
            Assert.That(seg.GetString(tag), Is.EqualTo(source.GetString(tag)), tag.ToString());
        Assert.That(seg.GetString(DicomTags.SeriesInstanceUid), Is.Not.EqualTo(source.GetString(DicomTags.SeriesInstanceUid)));
        Assert.That(seg.GetString(DicomTags.Modality), Is.EqualTo("SEG"));
    }

    [Test]
    public void DciodvfyFindsNoErrors()
    {
        foreach (string file in new[] { _binarySeg, _splitSeg })
        {
            var run = ExternalTool.Run("dciodvfy", file);
            string all = run.Out + run.Err;
            var errors = all.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
            TestContext.Out.WriteLine($"dciodvfy {Path.GetFileName(file)}:\n{all}");
            Assert.That(errors, Is.Empty, all);
            Assert.That(all, Does.Contain("Segmentation"), "dciodvfy must recognise the IOD");
        }
    }

    [Test]
    public void DcmdumpReadsIt()
    {
        var run = ExternalTool.Run("dcmdump", "-q", "+P", "0008,0016", "+P", "0028,0008", "+P", "0062,0001", _splitSeg);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Out, Does.Contain("=SegmentationStorage"));
        Assert.That(run.Out, Does.Contain("BINARY"));
        int frames = Enumerable.Range(0, _rightLeft.Grid.SizeZ).Count(z => _rightLeft.Slice(z).Contains((byte)1))
                   + Enumerable.Range(0, _rightLeft.Grid.SizeZ).Count(z => _rightLeft.Slice(z).Contains((byte)2));
        Assert.That(run.Out, Does.Contain($"[{frames}]"));
    }

    [Test]
    public void PydicomPlacesEveryFrameOnTheNiftiMaskVoxelForVoxel()
    {
        // The binary SEG against the original LCTSC NIfTI (LAS, rows flipped relative to DICOM), and the split SEG against its NIfTI.
        var binary = SegCheck(_binarySeg, MaskPath);
        Assert.That(binary.GetProperty("sop_class").GetString(), Is.EqualTo(DicomSegmentationWriter.SopClassUid));
        Assert.That(binary.GetProperty("segmentation_type").GetString(), Is.EqualTo("BINARY"));
        Assert.That(binary.GetProperty("off_grid").GetInt32(), Is.EqualTo(0));
        Assert.That(binary.GetProperty("voxels").GetInt64(), Is.EqualTo(_lungs.Voxels.Count(v => v != 0)));
        Assert.That(binary.GetProperty("mismatches").GetInt64(), Is.EqualTo(0));
        Assert.That(binary.GetProperty("referenced_instances").GetInt32(), Is.EqualTo(117));
        var segment = binary.GetProperty("segments")[0];
        Assert.That(segment.GetProperty("category").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "123037004", "SCT", "Anatomical Structure" }));
        Assert.That(segment.GetProperty("type").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "39607008", "SCT", "Lung" }));
        Assert.That(segment.GetProperty("algorithm_type").GetString(), Is.EqualTo("AUTOMATIC"));
        Assert.That(segment.GetProperty("algorithm_parameters").GetString(), Does.Contain("weights_sha256=" + Algorithm.WeightsSha256));

        var split = SegCheck(_splitSeg, _splitNifti);
        Assert.That(split.GetProperty("off_grid").GetInt32(), Is.EqualTo(0));
        Assert.That(split.GetProperty("mismatches").GetInt64(), Is.EqualTo(0));
        Assert.That(split.GetProperty("nifti_voxels").GetInt64(), Is.EqualTo(split.GetProperty("voxels").GetInt64()));
    }

    [Test]
    public void RtStructContoursFilledByPydicomGiveBackEveryVoxelAndDciodvfyFindsNoErrors()
    {
        string script = RepositoryPaths.InRepository("tests", "NativeSeg.IO.Tests", "Fixtures", "Seg", "rtstruct_check.py");
        var run = ExternalTool.Run("/usr/bin/python3", script, _splitRtStruct, _splitNifti);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var json = JsonDocument.Parse(run.Out).RootElement;
        Assert.That(json.GetProperty("sop_class").GetString(), Is.EqualTo(DicomRtStructWriter.SopClassUid));
        Assert.That(json.GetProperty("rois").EnumerateArray().Select(r => r.GetProperty("name").GetString()), Is.EqualTo(new[] { "Right lung", "Left lung" }));
        Assert.That(json.GetProperty("referenced_images").GetInt32(), Is.EqualTo(117));
        Assert.That(json.GetProperty("off_plane").GetInt32(), Is.Zero);
        Assert.That(json.GetProperty("contours").GetInt32(), Is.GreaterThan(100));
        Assert.That(json.GetProperty("voxels").GetInt64(), Is.EqualTo(_rightLeft.Voxels.Count(v => v != 0)));
        Assert.That(json.GetProperty("mismatches").GetInt64(), Is.Zero);

        var verify = ExternalTool.Run("dciodvfy", _splitRtStruct);
        string all = verify.Out + verify.Err;
        TestContext.Out.WriteLine($"dciodvfy {Path.GetFileName(_splitRtStruct)}:\n{all}");
        Assert.That(all.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)), Is.Empty, all);
        Assert.That(all, Does.Contain("RTStructureSet"));
    }

    [Test]
    public void AnOutlineTooLongForExplicitVrIsWrittenInImplicitVr()
    {
        // A 400×400 square with one-pixel teeth every other pixel on all four sides: one outline of about 3,200
        // vertices, whose ContourData (about 75 KB) cannot have explicit VR's 16-bit length.
        var gear = new Volume<byte>(_series.Volume.Grid);
        var grid = gear.Grid;
        for (int y = 56; y < 456; y++)
            for (int x = 56; x < 456; x++) gear[x, y, 60] = 1;
        for (int t = 56; t < 456; t += 2)
            for (int d = 1; d <= 2; d++)
            {
                gear[t, 56 - d, 60] = 1;
                gear[t, 455 + d, 60] = 1;
                gear[56 - d, t, 60] = 1;
                gear[455 + d, t, 60] = 1;
            }
        Assert.That(grid.SizeX, Is.EqualTo(512));
        string rt = _folder.File("gear_rtstruct.dcm"), nifti = _folder.File("gear.nii.gz");
        var result = DicomRtStructWriter.Write(rt, _series.Source, gear, SegmentDefinition.BothLungs, Algorithm);
        NiftiWriter.Write(nifti, gear);
        Assert.That(result.ImplicitVr, Is.True);
        Assert.That(result.ContourCount, Is.EqualTo(1));
        Assert.That(DicomFile.Open(rt, headerOnly: true).TransferSyntax.Uid, Is.EqualTo(TransferSyntax.ImplicitVrLittleEndian.Uid));

        string script = RepositoryPaths.InRepository("tests", "NativeSeg.IO.Tests", "Fixtures", "Seg", "rtstruct_check.py");
        var run = ExternalTool.Run("/usr/bin/python3", script, rt, nifti);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var json = JsonDocument.Parse(run.Out).RootElement;
        Assert.That(json.GetProperty("voxels").GetInt64(), Is.EqualTo(gear.Voxels.Count(v => v != 0)));
        Assert.That(json.GetProperty("mismatches").GetInt64(), Is.Zero);
        var verify = ExternalTool.Run("dciodvfy", rt);
        string all = verify.Out + verify.Err;
        Assert.That(all.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)), Is.Empty, all);
    }

    [Test]
    public void RefusesLabelsOffTheSeriesGridOrUndescribed()
    {
        var shifted = new Volume<byte>(_lungs.Grid with { Affine = Affine.FromSpacing(1, 1, 1) }, _lungs.Voxels);
        Assert.Throws<ArgumentException>(() => DicomSegmentationWriter.Encode(_series.Source, shifted, SegmentDefinition.BothLungs, Algorithm));
        Assert.Throws<ArgumentException>(() => DicomSegmentationWriter.Encode(_series.Source, _rightLeft, SegmentDefinition.BothLungs, Algorithm),
            "label 2 is not described by a one-segment list");
        Assert.Throws<ArgumentException>(() => DicomSegmentationWriter.Encode(_series.Source, new Volume<byte>(_lungs.Grid), SegmentDefinition.BothLungs, Algorithm),
            "an empty mask has no frame to write");
    }

    [Test]
    public void ATruncatedSegIsRefusedNamingTheFile()
    {
        var bytes = File.ReadAllBytes(_binarySeg);
        string truncated = _folder.File("truncated.dcm");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidInputException>(() => DicomSegmentationReader.Read(truncated));
        Assert.That(e!.Path, Is.EqualTo(truncated));
    }

    /// <summary>Voxels that differ (NUnit's collection equality is far too slow for 30 million voxels).</summary>
    private static long Mismatches(Volume<byte> a, Volume<byte> b)
    {
        Assert.That(a.Voxels, Has.Length.EqualTo(b.Voxels.Length));
        long count = 0;
        for (int i = 0; i < a.Voxels.Length; i++)
            if (a.Voxels[i] != b.Voxels[i]) count++;
        return count;
    }

    private static JsonElement SegCheck(string seg, string nifti)
    {
        string script = RepositoryPaths.InRepository("tests", "NativeSeg.IO.Tests", "Fixtures", "Seg", "seg_check.py");
        var run = ExternalTool.Run("/usr/bin/python3", script, seg, nifti);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }
}
