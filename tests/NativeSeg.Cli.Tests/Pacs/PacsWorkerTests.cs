using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using NativeSeg.Cli.Pacs;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// `nativeseg pacs` against a real Orthanc holding real CT series (a few slices each, so a segmentation takes
/// seconds): one worker stores exactly one SEG per series, equal voxel for voxel to `segment`'s mask, and marks a
/// corrupt series failed; two workers share the queue without doing a series twice; a worker killed mid-run leaves no
/// SEG and its series is completed by another once the lease has run out; a stopped worker gives its claim back; a
/// polling worker takes a series that arrives later and survives an Orthanc restart mid-run. Workers that must run
/// concurrently or be killed run as processes of their own.
/// </summary>
public sealed class PacsWorkerTests
{
    private static readonly TimeSpan WorkerLimit = TimeSpan.FromMinutes(4);

    [Test]
    public void OneWorker_StoresOneSegEqualToSegment_MarksTheCorruptSeriesFailed_AndSkipsBothNextTime()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.File("orthanc"));
        string ctFolder = PacsSeries.Case009Slab(folder.File("ct"));
        string ct = orthanc.UploadSeries(ctFolder);
        string corrupt = orthanc.UploadSeries(PacsSeries.CorruptSeries(folder.File("corrupt")));
        WaitUntilStable(orthanc, ct, corrupt);

        var first = CliRunner.Expect(ExitCodes.Success, Worker(orthanc, folder, "w1"));
        Assert.That(first.Out, Does.Contain("pass: 1 done, 1 failed"), first.ToString());

        string study = orthanc.GetJson($"series/{ct}").GetProperty("ParentStudy").GetString()!;
        string seg = orthanc.SegmentationInstances(study).Single();
        var status = Status(orthanc, ct);
        Assert.That((status.State, status.Worker, status.Segmentation), Is.EqualTo((SeriesStatus.Done, "w1", seg)));

        // The SEG, as Orthanc serves it, decodes to exactly the mask `segment` writes for the same series.
        string segFile = folder.File("stored-seg.dcm");
        File.WriteAllBytes(segFile, orthanc.GetBytes($"instances/{seg}/file"));
        var decoded = DicomSegmentationReader.Read(segFile);
        var source = DicomSeriesReader.ReadSeries(ctFolder).Volume;
        Assert.That(decoded.SopInstanceUid, Is.EqualTo(status.SegmentationSopInstanceUid));
        Assert.That(decoded.ReferencedSeriesInstanceUid, Is.EqualTo(SeriesUid(orthanc, ct)));
        string reference = folder.File("segment.nii.gz");
        CliRunner.Expect(ExitCodes.Success, "segment", ctFolder, "-o", reference, "--labels", "lr", "--device", "cpu", "--quiet");
        var expected = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(reference), source.Grid, reference);
        var actual = decoded.ToLabelVolume(source.Grid);
        Assert.That(expected.Voxels.Count(v => v == 1), Is.GreaterThan(5_000), "a real right lung");
        Assert.That(expected.Voxels.Count(v => v == 2), Is.GreaterThan(5_000), "a real left lung");
        Assert.That(Enumerable.Range(0, expected.Voxels.Length).Count(i => expected.Voxels[i] != actual.Voxels[i]), Is.Zero);

        var statistics = JsonDocument.Parse(orthanc.SeriesMetadata(ct, PacsWorker.StatisticsMetadataName)!).RootElement;
        Assert.That(statistics.GetProperty("seriesInstanceUid").GetString(), Is.EqualTo(SeriesUid(orthanc, ct)));
        var lung = statistics.GetProperty("labels").EnumerateArray().Single(l => l.GetProperty("label").GetString() == "lung");
        Assert.That(lung.GetProperty("voxels").GetInt64(), Is.EqualTo(expected.Voxels.Count(v => v != 0)));

        // DICOMweb (what viewers use) lists the SEG in the CT's study.
        string studyUid = orthanc.GetJson($"studies/{study}").GetProperty("MainDicomTags").GetProperty("StudyInstanceUID").GetString()!;
        Assert.That(orthanc.GetJson($"dicom-web/studies/{studyUid}/series?Modality=SEG").GetArrayLength(), Is.EqualTo(1));

        var failed = Status(orthanc, corrupt);
        Assert.That(failed.State, Is.EqualTo(SeriesStatus.Failed));
        Assert.That(failed.Reason, Does.Contain("mixes image sizes").And.Contain("(instance ").And.Not.Contain(folder.Path),
            "names the Orthanc instances, not the download folder");
        string corruptStudy = orthanc.GetJson($"series/{corrupt}").GetProperty("ParentStudy").GetString()!;
        Assert.That(orthanc.SegmentationInstances(corruptStudy), Is.Empty);
        Assert.That(orthanc.SeriesMetadata(corrupt, PacsWorker.StatisticsMetadataName), Is.Null);

        var second = CliRunner.Expect(ExitCodes.Success, Worker(orthanc, folder, "w2"));
        Assert.That(second.Out, Does.Contain("pass: 0 done, 0 failed, 0 claimed by other workers, 0 still receiving images, 2 finished before"), second.ToString());
        Assert.That(orthanc.SegmentationInstances(study), Is.EqualTo(new[] { seg }));
        Assert.That(Status(orthanc, corrupt), Is.EqualTo(failed), "left as it was");
    }

    [Test]
    public void InstanceOrthancCannotServe_FailsTheSeries()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.File("orthanc"));
        string ct = orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("ct")));
        WaitUntilStable(orthanc, ct);
        string lost = orthanc.GetJson($"series/{ct}").GetProperty("Instances")[2].GetString()!;
        File.Delete(orthanc.StoredFile(lost)); // a disk fault under Orthanc: the index knows the instance, the file is gone

        var run = CliRunner.Expect(ExitCodes.Success, Worker(orthanc, folder, "w"));
        Assert.That(run.Out, Does.Contain("pass: 0 done, 1 failed"), run.ToString());
        var status = Status(orthanc, ct);
        Assert.That(status.State, Is.EqualTo(SeriesStatus.Failed));
        Assert.That(status.Reason, Does.StartWith($"Orthanc could not serve instance {lost}: GET /instances/{lost}/file: HTTP "));
    }

    [Test]
    public void TwoWorkersAtOnce_ShareTheQueue_ExactlyOneSegPerSeries()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.File("orthanc"));
        string[] series = [orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("a"))), orthanc.UploadSeries(PacsSeries.CipSlab(folder.File("b")))];
        WaitUntilStable(orthanc, series);

        using var one = WorkerProcess.Start(orthanc.Url, "w1", folder.File("work"), "--once");
        using var two = WorkerProcess.Start(orthanc.Url, "w2", folder.File("work"), "--once");
        Assert.That(one.WaitForExit(WorkerLimit), Is.EqualTo(ExitCodes.Success), one.Output);
        Assert.That(two.WaitForExit(WorkerLimit), Is.EqualTo(ExitCodes.Success), two.Output);

        string both = one.Output + two.Output;
        foreach (string id in series)
        {
            Assert.That(Regex.Matches(both, $"series {id}: claimed").Count, Is.EqualTo(1), $"claimed once\n{both}");
            string study = orthanc.GetJson($"series/{id}").GetProperty("ParentStudy").GetString()!;
            var segs = orthanc.SegmentationInstances(study);
            Assert.That(segs, Has.Count.EqualTo(1), both);
            var status = Status(orthanc, id);
            Assert.That((status.State, status.Segmentation), Is.EqualTo((SeriesStatus.Done, segs[0])), both);
        }
    }

    [Test]
    public void KilledWorker_LeavesNoSeg_AndAnotherCompletesTheSeriesOnceTheLeaseHasRunOut()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.File("orthanc"));
        string ct = orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("ct")));
        WaitUntilStable(orthanc, ct);
        string study = orthanc.GetJson($"series/{ct}").GetProperty("ParentStudy").GetString()!;

        // Killed at the last step: the series downloaded and segmented, its SEG on the way to Orthanc (held there).
        using (var proxy = StoreHoldingProxy.Start(orthanc.Url))
        using (var doomed = WorkerProcess.Start(proxy.Url, "doomed", folder.File("work"), "--once", "--lease-minutes", "0.2", "--batch-size", "1"))
        {
            doomed.WaitForOutput($"series {ct}: claimed", WorkerLimit);
            proxy.WaitForHeldStore(WorkerLimit, doomed);
            doomed.Kill(); // with its SEG upload held, it cannot have finished: no "done" to check for
        }
        Assert.That(orthanc.SegmentationInstances(study), Is.Empty, "no SEG, not even part of one");
        var orphan = Status(orthanc, ct);
        Assert.That((orphan.State, orphan.Worker), Is.EqualTo((SeriesStatus.Claimed, "doomed")));

        // While the lease runs, the series is the dead worker's.
        var early = CliRunner.Expect(ExitCodes.Success, Worker(orthanc, folder, "heir"));
        Assert.That(orthanc.Now(), Is.LessThan(orphan.ExpiresUtc!.Value), "the check ran inside the lease");
        Assert.That(early.Out, Does.Contain("pass: 0 done, 0 failed, 1 claimed by other workers"), early.ToString());
        Assert.That(orthanc.SegmentationInstances(study), Is.Empty);

        var clock = Stopwatch.StartNew();
        while (orthanc.Now() <= orphan.ExpiresUtc!.Value && clock.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(250);
        var late = CliRunner.Expect(ExitCodes.Success, Worker(orthanc, folder, "heir"));
        Assert.That(late.Out, Does.Contain($"series {ct}: claimed, taking over the expired claim of doomed"), late.ToString());
        Assert.That(late.Out, Does.Contain("pass: 1 done"), late.ToString());
        Assert.That(early.Out, Does.Contain("(left by a killed worker)"), "the dead worker's download folder is removed");
        Assert.That(Directory.GetFileSystemEntries(folder.File("work")), Is.Empty);
        var segs = orthanc.SegmentationInstances(study);
        Assert.That(segs, Has.Count.EqualTo(1));
        var done = Status(orthanc, ct);
        Assert.That((done.State, done.Worker, done.Segmentation), Is.EqualTo((SeriesStatus.Done, "heir", segs[0])));
    }

    [Test]
    public void StoppedWorker_GivesItsClaimBack_AndStoresNothing()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.File("orthanc"));
        string ct = orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("ct")));
        WaitUntilStable(orthanc, ct);

        // Stopped at the last step, while its SEG upload is held by the proxy (see above).
        using var proxy = StoreHoldingProxy.Start(orthanc.Url);
        using var worker = WorkerProcess.Start(proxy.Url, "stopped", folder.File("work"), "--batch-size", "1", "--poll-seconds", "1");
        worker.WaitForOutput($"series {ct}: claimed", WorkerLimit);
        proxy.WaitForHeldStore(WorkerLimit, worker);
        worker.Terminate();
        Assert.That(worker.WaitForExit(WorkerLimit), Is.EqualTo(ExitCodes.Cancelled), worker.Output);

        Assert.That(worker.Output, Does.Contain($"series {ct}: claim released"));
        Assert.That(orthanc.SeriesMetadata(ct, SeriesStatus.MetadataName), Is.Null, "no claim left: the next worker starts at once");
        string study = orthanc.GetJson($"series/{ct}").GetProperty("ParentStudy").GetString()!;
        Assert.That(orthanc.SegmentationInstances(study), Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(folder.File("work")), Is.Empty, "the download folder is removed");
    }

    [Test]
    public void PollingWorker_TakesANewSeries_SurvivesAnOrthancRestartMidRun_AndStopsCleanly()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.File("orthanc"));
        // Renewals every 2 s make sure the worker meets the outage, whatever step it is at.
        using var worker = WorkerProcess.Start(orthanc.Url, "survivor", folder.File("work"), "--poll-seconds", "1", "--lease-minutes", "0.1");
        worker.WaitForOutput("pass: 0 done, 0 failed", WorkerLimit); // an empty Orthanc: nothing to do yet

        string ct = orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("ct")));
        worker.WaitForOutput($"series {ct}: claimed", WorkerLimit);
        orthanc.Stop();
        Thread.Sleep(4000);
        orthanc.Restart();
        worker.WaitForOutput($"series {ct}: done", WorkerLimit);
        worker.Terminate();
        Assert.That(worker.WaitForExit(WorkerLimit), Is.EqualTo(ExitCodes.Cancelled), worker.Output);

        Assert.That(worker.Output, Does.Contain("warning: orthanc:").And.Contain("attempt"), "the outage was met and retried");
        string study = orthanc.GetJson($"series/{ct}").GetProperty("ParentStudy").GetString()!;
        var segs = orthanc.SegmentationInstances(study);
        Assert.That(segs, Has.Count.EqualTo(1));
        Assert.That(Status(orthanc, ct).Segmentation, Is.EqualTo(segs[0]));
    }

    private static string[] Worker(OrthancServer orthanc, TemporaryFolder folder, string id) =>
        ["pacs", "--url", orthanc.Url.ToString(), "--once", "--device", "cpu", "--worker-id", id, "--work-dir", folder.File("work")];

    private static SeriesStatus Status(OrthancServer orthanc, string series) =>
        SeriesStatus.Parse(orthanc.SeriesMetadata(series, SeriesStatus.MetadataName) ?? "") ?? throw new AssertionException($"series {series} has no status");

    private static string SeriesUid(OrthancServer orthanc, string series) =>
        orthanc.GetJson($"series/{series}").GetProperty("MainDicomTags").GetProperty("SeriesInstanceUID").GetString()!;

    /// <summary>Waits until Orthanc considers the series complete (StableAge is 1 s in the test configuration).</summary>
    private static void WaitUntilStable(OrthancServer orthanc, params string[] series)
    {
        var clock = Stopwatch.StartNew();
        while (!series.All(s => orthanc.GetJson($"series/{s}").GetProperty("IsStable").GetBoolean()))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail("the series did not become stable within 60 s");
            Thread.Sleep(200);
        }
    }
}
