using NativeSeg.Evaluation.Report;
using NativeSeg.IO;
using NativeSeg.IO.Datasets;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Tests.Report;

/// <summary>The manifest-driven report on the real LCTSC CTs and their lung masks (NIfTI, read by NiftiReader).</summary>
public class RealDataReportTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("nativeseg-eval-real-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void ReferenceScoredAgainstItselfIsPerfect()
    {
        string ct = SharedData.PathOf("lctsc/Case_009_ct.nii.gz");
        string mask = SharedData.PathOf("lctsc/Case_009_lungmask.nii.gz");
        var manifest = new DatasetManifest
        {
            BaseDirectory = _folder,
            Cases =
            [
                // The uint8 mask read as float is a probability map of 0 and 1.
                new DatasetCase { Id = "Case_009", Group = DatasetManifest.GroupNormal, Ct = ct, Mask = mask, Prediction = mask, Probabilities = mask },
                new DatasetCase { Id = "no_prediction", Ct = ct, Mask = mask },
            ],
        };
        var summary = EvaluationReport.Run(manifest, Path.Combine(_folder, "out"));

        var m = summary.Cases.Single().Metrics;
        Assert.That(m.Dice, Is.EqualTo(1.0));
        Assert.That(m.MeanAbsoluteError, Is.EqualTo(0.0));
        Assert.That(m.Auc, Is.EqualTo(1.0));
        Assert.That(m.AucErrorBound, Is.EqualTo(0.0));
        Assert.That(m.ReferenceVolumeMl, Is.InRange(2400, 7200), "README: lung volumes are 2.4–7.2 L");
        Assert.That(m.ReferenceMeanHu, Is.InRange(-950, -600));
        Assert.That(summary.Skipped.Single().Id, Is.EqualTo("no_prediction"));
        Assert.That(File.Exists(Path.Combine(_folder, "out", "overlay_normal_best.png")), Is.True);
    }

    [Test]
    public void PredictionOnAnotherGridIsRejectedNamingTheFile()
    {
        var manifest = new DatasetManifest
        {
            BaseDirectory = _folder,
            Cases = [new DatasetCase { Id = "mismatch", Ct = SharedData.PathOf("cip/ct-64.nii.gz"), Mask = SharedData.PathOf("cip/wholeLung-64.nii.gz"),
                Prediction = SharedData.PathOf("lctsc/Case_009_lungmask.nii.gz") }],
        };
        var error = Assert.Throws<InvalidInputException>(() => EvaluationReport.Run(manifest, Path.Combine(_folder, "out")));
        Assert.That(error!.Path, Does.EndWith("Case_009_lungmask.nii.gz"));
    }

    /// <summary>
    /// Writes a full report on the four LCTSC cases with made-up predictions, for looking at: the probability map is the
    /// reference blurred in-plane, the prediction that map thresholded low (grown) or high (shrunk). Output folder:
    /// $NATIVESEG_EVAL_DEMO or a temporary folder (printed).
    /// </summary>
    [Test, Explicit("writes a report for people to look at")]
    public void DemoReportOnRealCases()
    {
        string output = Environment.GetEnvironmentVariable("NATIVESEG_EVAL_DEMO") ?? Path.Combine(_folder, "demo");
        string work = Path.Combine(output, "inputs");
        Directory.CreateDirectory(work);
        var manifest = new DatasetManifest { BaseDirectory = work };
        (string Id, string Group, float Threshold, int Radius)[] cases =
            [("Case_000", "normal", 0.5f, 2), ("Case_005", "normal", 0.45f, 2), ("Case_007", "covid", 0.2f, 4), ("Case_009", "covid", 0.8f, 4)];
        foreach (var (id, group, threshold, radius) in cases)
        {
            string mask = SharedData.PathOf($"lctsc/{id}_lungmask.nii.gz");
            var reference = NiftiReader.ReadMask(mask);
            var probabilities = BlurInPlane(reference, radius);
            var prediction = new Volume<byte>(reference.Grid);
            for (int i = 0; i < prediction.Voxels.Length; i++) prediction.Voxels[i] = (byte)(probabilities.Voxels[i] >= threshold ? 1 : 0);
            NiftiWriter.Write(Path.Combine(work, $"{id}_prob.nii.gz"), probabilities);
            NiftiWriter.Write(Path.Combine(work, $"{id}_pred.nii.gz"), prediction);
            manifest.Cases.Add(new DatasetCase { Id = id, Group = group, Ct = SharedData.PathOf($"lctsc/{id}_ct.nii.gz"), Mask = mask,
                Prediction = $"{id}_pred.nii.gz", Probabilities = $"{id}_prob.nii.gz" });
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var summary = EvaluationReport.Run(manifest, output);
        TestContext.Out.WriteLine($"report of {summary.Cases.Count()} real cases in {watch.Elapsed.TotalSeconds:F1} s (reading included): {output}");
        foreach (var c in summary.Cases)
            TestContext.Out.WriteLine($"{c.Id}: Dice {c.Metrics.Dice:F4}, AUC {c.Metrics.Auc:F5} (bound {c.Metrics.AucErrorBound:E1}), rel HU {c.Metrics.RelativeMeanHuDifferencePercent:F2} %");
        Assert.That(summary.Cases.Count(), Is.EqualTo(4));
    }

    /// <summary>Mean over a (2r+1)² square in each slice, by running sums along rows and then columns.</summary>
    private static Volume<float> BlurInPlane(Volume<byte> mask, int r)
    {
        var g = mask.Grid;
        var result = new Volume<float>(g);
        var rows = new float[g.SliceLength];
        float norm = 1f / ((2 * r + 1) * (2 * r + 1));
        for (int z = 0; z < g.SizeZ; z++)
        {
            var m = mask.Slice(z);
            var o = result.Slice(z);
            for (int y = 0; y < g.SizeY; y++)
                for (int x = 0; x < g.SizeX; x++)
                {
                    float sum = 0;
                    for (int d = -r; d <= r; d++) { int xx = Math.Clamp(x + d, 0, g.SizeX - 1); sum += m[y * g.SizeX + xx] != 0 ? 1 : 0; }
                    rows[y * g.SizeX + x] = sum;
                }
            for (int y = 0; y < g.SizeY; y++)
                for (int x = 0; x < g.SizeX; x++)
                {
                    float sum = 0;
                    for (int d = -r; d <= r; d++) sum += rows[Math.Clamp(y + d, 0, g.SizeY - 1) * g.SizeX + x];
                    o[y * g.SizeX + x] = Math.Min(1f, sum * norm);
                }
        }
        return result;
    }
}
