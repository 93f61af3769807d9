using NativeSeg.Evaluation.Metrics;
using NativeSeg.Evaluation.Report;
using NativeSeg.Evaluation.Statistics;
using NativeSeg.IO.Datasets;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Tests.Report;

public class EvaluationReportTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("nativeseg-eval-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// A synthetic chest: body ellipse at 40 HU, two lung ellipses at −850 HU; the prediction is the reference grown or
    /// shrunk by <paramref name="shift"/> voxels on one side, and the probability map a smooth function of the distance.
    /// </summary>
    internal static LoadedCase SyntheticCase(int seed, int shift, int size = 64, int slices = 6)
    {
        var grid = new Grid(size, size, slices, new Affine(new double[,] { { -0.8, 0, 0, 0 }, { 0, 0.8, 0, 0 }, { 0, 0, 3, 0 } }));
        var ct = new Volume<float>(grid);
        var reference = new Volume<byte>(grid);
        var prediction = new Volume<byte>(grid);
        var probabilities = new Volume<float>(grid);
        var random = new Random(seed);
        double c = size / 2.0;
        for (int z = 0; z < slices; z++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    double bx = (x - c) / (0.45 * size), by = (y - c) / (0.35 * size);
                    bool body = bx * bx + by * by <= 1;
                    double lung = Math.Min(Lung(x, y, c - 0.2 * size, c, size), Lung(x, y, c + 0.2 * size, c, size));
                    double predicted = Math.Min(Lung(x - shift, y, c - 0.2 * size, c, size), Lung(x, y, c + 0.2 * size, c, size));
                    ct[x, y, z] = !body ? -1000f : lung <= 1 ? -850f + (float)(random.NextDouble() * 60) : 40f;
                    reference[x, y, z] = (byte)(lung <= 1 ? (x < c ? 1 : 2) : 0);
                    prediction[x, y, z] = (byte)(predicted <= 1 ? 1 : 0);
                    probabilities[x, y, z] = (float)(1.0 / (1.0 + Math.Exp(8 * (predicted - 1))));
                }
        return new LoadedCase(ct, reference, prediction, probabilities);
    }

    private static double Lung(double x, double y, double cx, double cy, int size)
    {
        double dx = (x - cx) / (0.12 * size), dy = (y - cy) / (0.25 * size);
        return dx * dx + dy * dy;
    }

    private static List<EvaluationInput> SyntheticInputs()
    {
        var inputs = new List<EvaluationInput>();
        int[] normalShifts = [0, 1, -1, 1, 0];
        int[] covidShifts = [2, -3, 4, -2, 3, 5];
        for (int i = 0; i < normalShifts.Length; i++)
        {
            int s = normalShifts[i], seed = i;
            inputs.Add(new EvaluationInput($"normal_{i}", DatasetManifest.GroupNormal, () => SyntheticCase(seed, s)));
        }
        for (int i = 0; i < covidShifts.Length; i++)
        {
            int s = covidShifts[i], seed = 100 + i;
            inputs.Add(new EvaluationInput($"covid_{i}", DatasetManifest.GroupCovid, () => SyntheticCase(seed, s)));
        }
        return inputs;
    }

    [Test]
    public void WritesTableCsvChartsAndFigures()
    {
        var summary = EvaluationReport.Run(SyntheticInputs(), _folder, skipped: [new SkippedCase("lost", "no reference mask")]);

        Assert.That(summary.Groups.Select(g => g.Name), Is.EqualTo(new[] { "normal", "covid" }));
        Assert.That(summary.Groups[0].Cases, Has.Count.EqualTo(5));
        string[] csv = File.ReadAllLines(Path.Combine(_folder, EvaluationReport.CasesFile));
        Assert.That(csv, Has.Length.EqualTo(12));
        Assert.That(csv[0], Does.StartWith("id,group,dice,jaccard"));

        // The table's statistics are the statistics of the per-case values.
        double[] normalDice = summary.Groups[0].Cases.Select(c => c.Metrics.Dice).ToArray();
        double[] covidDice = summary.Groups[1].Cases.Select(c => c.Metrics.Dice).ToArray();
        Assert.That(summary.Groups[0].Metrics["dice"].Descriptive, Is.EqualTo(Descriptive.Of(normalDice)));
        Assert.That(summary.Comparisons["dice"], Is.EqualTo(MannWhitneyU.Test(normalDice, covidDice)));
        Assert.That(summary.Comparisons["dice"].PValue, Is.LessThan(0.05), "shifted lungs must score worse");
        Assert.That(summary.Groups[0].PooledAuc, Is.GreaterThan(summary.Groups[1].PooledAuc));

        string markdown = File.ReadAllText(Path.Combine(_folder, EvaluationReport.MarkdownFile));
        Assert.That(markdown, Does.Contain("Table 1"));
        Assert.That(markdown, Does.Contain("| Dice |"));
        Assert.That(markdown, Does.Contain("roc.svg"));
        Assert.That(markdown, Does.Contain("lost"));

        string html = File.ReadAllText(Path.Combine(_folder, EvaluationReport.HtmlFile));
        Assert.That(html, Does.Contain("<svg"));
        Assert.That(html, Does.Contain("data:image/png;base64,"));
        Assert.That(html.Replace("http://www.w3.org/2000/svg", ""), Does.Not.Contain("http"), "self-contained: nothing fetched");

        foreach (string name in new[] { "roc.svg", "box_dice.svg", "overlay_normal_best.png", "overlay_normal_median.png", "overlay_covid_worst.png" })
            Assert.That(File.Exists(Path.Combine(_folder, name)), Is.True, name);
        Assert.That(summary.Files, Has.Count.EqualTo(2 + 2 + MetricCatalog.All.Count + 6 + 1));
        byte[] png = File.ReadAllBytes(Path.Combine(_folder, "overlay_covid_worst.png"));
        Assert.That(png[1..4], Is.EqualTo("PNG"u8.ToArray()));
    }

    [Test]
    public void OverlayIsInRadiologicalOrientation()
    {
        // Affine diagonal (−0.8, 0.8): i runs to the patient's left, j anterior. Reference label 1 (x < centre, the
        // patient's right) must appear on the image's left; rows are flipped so anterior is at the top.
        var loaded = SyntheticCase(0, 0);
        var slice = OverlaySlice.FromVolumes(loaded.Ct, loaded.Reference, loaded.Prediction!);
        Assert.That(slice.Reference[20 * 64 + 10] + slice.Reference[32 * 64 + 20], Is.GreaterThan(0));
        loaded.Reference[10, 30, 2] = 0; // breaks nothing: the chosen slice is the one with the most lung
        Assert.That(slice.SliceIndex, Is.InRange(0, 5));
        var (w, h, rgb) = OverlayRenderer.Render(slice);
        Assert.That(rgb, Has.Length.EqualTo(w * h * 3));
        Assert.That(Enumerable.Range(0, w * h).Any(i => rgb[3 * i] == 255 && rgb[3 * i + 1] == 230), Is.True, "coinciding contours drawn yellow");
    }
}
