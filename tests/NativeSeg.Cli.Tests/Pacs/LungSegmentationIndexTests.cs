using NativeSeg.Cli.Pacs;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// A lung segmentation already in Orthanc is recognised by what the SEG says (referenced series, segment type), not by
/// who made it: a lung SEG from another tool makes the worker mark the series done without a second SEG; a SEG of
/// another organ, or of another series, does not count. The SEGs here are written with our writer from a box on the
/// real CT's grid (no network run).
/// </summary>
public sealed class LungSegmentationIndexTests
{
    private static readonly DicomCode Liver = new("10200004", "SCT", "Liver");

    [Test]
    public void OnlyALungSegReferencingTheSeriesCounts()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.File("orthanc"));
        string ctFolder = PacsSeries.Case009Slab(folder.File("ct"));
        string ct = orthanc.UploadSeries(ctFolder);
        string other = orthanc.UploadSeries(PacsSeries.CipSlab(folder.File("other")));
        string study = orthanc.GetJson($"series/{ct}").GetProperty("ParentStudy").GetString()!;
        string uid = orthanc.GetJson($"series/{ct}").GetProperty("MainDicomTags").GetProperty("SeriesInstanceUID").GetString()!;
        using var client = new OrthancClient(orthanc.Url, null, null,
            new RetryPolicy(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), seed: 1), _ => { }, TimeSpan.FromSeconds(30));

        Assert.That(new LungSegmentationIndex(client).Find(study, uid, CancellationToken.None), Is.Null, "no SEG yet");

        orthanc.Upload(BoxSeg(folder, ctFolder, [new(1, "Liver", DicomCode.AnatomicalStructure, Liver)], "liver.dcm"));
        Assert.That(new LungSegmentationIndex(client).Find(study, uid, CancellationToken.None), Is.Null, "a liver SEG is not a lung SEG");
        string otherStudy = orthanc.GetJson($"series/{other}").GetProperty("ParentStudy").GetString()!;
        string otherUid = orthanc.GetJson($"series/{other}").GetProperty("MainDicomTags").GetProperty("SeriesInstanceUID").GetString()!;
        orthanc.Upload(BoxSeg(folder, PacsSeries.CipSlab(folder.File("other-again")), SegmentDefinition.BothLungs, "other-lung.dcm"));
        Assert.That(new LungSegmentationIndex(client).Find(study, uid, CancellationToken.None), Is.Null, "a lung SEG of another series");
        Assert.That(new LungSegmentationIndex(client).Find(otherStudy, otherUid, CancellationToken.None), Is.Not.Null);

        string lung = orthanc.Upload(BoxSeg(folder, ctFolder, [new(1, "Left lung", DicomCode.AnatomicalStructure, DicomCode.LeftLung)], "lung.dcm"));
        Assert.That(new LungSegmentationIndex(client).Find(study, uid, CancellationToken.None), Is.EqualTo(lung));
    }

    [Test]
    public void Worker_MarksASeriesWithALungSegDone_WithoutASecondOne()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.File("orthanc"));
        string ctFolder = PacsSeries.Case009Slab(folder.File("ct"));
        string ct = orthanc.UploadSeries(ctFolder);
        string lung = orthanc.Upload(BoxSeg(folder, ctFolder, SegmentDefinition.RightAndLeftLung, "lung.dcm"));
        string study = orthanc.GetJson($"series/{ct}").GetProperty("ParentStudy").GetString()!;
        while (!orthanc.GetJson($"series/{ct}").GetProperty("IsStable").GetBoolean()) Thread.Sleep(200);

        var run = CliRunner.Expect(ExitCodes.Success, "pacs", "--url", orthanc.Url.ToString(), "--once", "--device", "cpu",
            "--worker-id", "w", "--work-dir", folder.File("work"));

        Assert.That(run.Out, Does.Contain($"series {ct}: a lung SEG ({lung}) is already stored; marked done"), run.ToString());
        Assert.That(run.Out, Does.Not.Contain($"series {ct}: claimed"), "never claimed: nothing to segment");
        Assert.That(orthanc.SegmentationInstances(study), Is.EqualTo(new[] { lung }));
        var status = SeriesStatus.Parse(orthanc.SeriesMetadata(ct, SeriesStatus.MetadataName)!)!;
        Assert.That((status.State, status.Segmentation), Is.EqualTo((SeriesStatus.Done, lung)));
    }

    /// <summary>A SEG of <paramref name="series"/> whose segments are boxes in the middle of each slice (label k: the k-th box).</summary>
    private static string BoxSeg(TemporaryFolder folder, string series, IReadOnlyList<SegmentDefinition> segments, string name)
    {
        var source = DicomSeriesReader.ReadSeries(series).Source;
        var grid = source.Grid;
        var labels = new Volume<byte>(grid);
        for (int z = 0; z < grid.SizeZ; z++)
            for (int s = 0; s < segments.Count; s++)
                for (int y = grid.SizeY / 3; y < grid.SizeY / 2; y++)
                    for (int x = (s + 1) * grid.SizeX / 8; x < (s + 2) * grid.SizeX / 8; x++)
                        labels.Voxels[(z * grid.SizeY + y) * grid.SizeX + x] = segments[s].LabelValue;
        string path = folder.File(name);
        DicomSegmentationWriter.Write(path, source, labels, segments, new SegmentationAlgorithm("OtherTool", "2.0", "model", "1", new string('0', 64)));
        return path;
    }
}
