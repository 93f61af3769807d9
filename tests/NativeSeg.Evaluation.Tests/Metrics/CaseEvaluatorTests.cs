using NativeSeg.Evaluation.Metrics;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Tests.Metrics;

public class CaseEvaluatorTests
{
    // A 4×3×2 grid of 2×2×2.5 mm voxels (10 mm³). R = voxels 0–3, P = voxels 2–4.
    private static readonly Grid SmallGrid = new(4, 3, 2, Affine.FromSpacing(2, 2, 2.5));

    private static (Volume<float> Ct, Volume<byte> R, Volume<byte> P, Volume<float> Prob) SmallCase()
    {
        var ct = new Volume<float>(SmallGrid);
        float[] hu = [-900, -800, -700, -600, -100];
        hu.CopyTo(ct.Voxels, 0);
        var r = new Volume<byte>(SmallGrid);
        r.Voxels[0] = 1; r.Voxels[1] = 2; r.Voxels[2] = 1; r.Voxels[3] = 2; // labels 1 and 2 both count as lung
        var p = new Volume<byte>(SmallGrid);
        p.Voxels[2] = 1; p.Voxels[3] = 1; p.Voxels[4] = 1;
        var prob = new Volume<float>(SmallGrid);
        Array.Fill(prob.Voxels, 0.1f);
        float[] scores = [0.6f, 0.3f, 0.9f, 0.8f, 0.7f];
        scores.CopyTo(prob.Voxels, 0);
        return (ct, r, p, prob);
    }

    [Test]
    public void MatchesHandComputedValues()
    {
        var (ct, r, p, prob) = SmallCase();
        var m = CaseEvaluator.Evaluate(ct, r, p, prob, new EvaluationOptions { RocRegion = RocRegion.WholeVolume }).Metrics;
        // TP = {2,3}, FP = {4}, FN = {0,1}; |R| = 4, |P| = 3.
        Assert.That(m.Dice, Is.EqualTo(4.0 / 7.0).Within(1e-15));
        Assert.That(m.Jaccard, Is.EqualTo(2.0 / 5.0).Within(1e-15));
        Assert.That(m.FalsePositiveRate, Is.EqualTo(0.25).Within(1e-15));
        Assert.That(m.FalseNegativeRate, Is.EqualTo(0.5).Within(1e-15));
        // I = (HU + 1000)/1000: FP voxel 0.9, FN voxels 0.1 and 0.2.
        Assert.That(m.MeanError, Is.EqualTo((0.9 - 0.3) / 4).Within(1e-12));
        Assert.That(m.MeanAbsoluteError, Is.EqualTo((0.9 + 0.3) / 4).Within(1e-12));
        Assert.That(m.ReferenceMeanHu, Is.EqualTo(-750).Within(1e-12));
        Assert.That(m.PredictedMeanHu, Is.EqualTo(-1400.0 / 3).Within(1e-12));
        Assert.That(m.RelativeMeanHuDifferencePercent, Is.EqualTo((-1400.0 / 3 + 750) / -750 * 100).Within(1e-12));
        Assert.That(m.AbsoluteRelativeMeanHuDifferencePercent, Is.EqualTo(-m.RelativeMeanHuDifferencePercent));
        Assert.That(m.RelativeVolumeDifferencePercent, Is.EqualTo(-25.0).Within(1e-12));
        Assert.That(m.AbsoluteRelativeVolumeDifferencePercent, Is.EqualTo(25.0).Within(1e-12));
        Assert.That(m.ReferenceVolumeMl, Is.EqualTo(0.04).Within(1e-15));
        Assert.That(m.PredictedVolumeMl, Is.EqualTo(0.03).Within(1e-15));
        // Positives 0.6, 0.3, 0.9, 0.8 against negatives 0.7 and nineteen 0.1: (19 + 19 + 20 + 20) / 80.
        Assert.That(m.Auc, Is.EqualTo(78.0 / 80.0).Within(1e-15));
        Assert.That(m.AucErrorBound, Is.EqualTo(0.0));
        Assert.That(m.RocVoxels, Is.EqualTo(24));
        Assert.That(m.AucFromProbabilities, Is.True);
    }

    [Test]
    public void ThresholdsTheProbabilitiesWhenNoMaskIsGiven()
    {
        var (ct, r, _, prob) = SmallCase();
        var m = CaseEvaluator.Evaluate(ct, r, null, prob, new EvaluationOptions { RocRegion = RocRegion.WholeVolume }).Metrics;
        // P = probability ≥ 0.5 = {0, 2, 3, 4}: TP 3, FP 1, FN 1.
        Assert.That(m.Dice, Is.EqualTo(6.0 / 8.0).Within(1e-15));
        Assert.That(m.FalseNegativeRate, Is.EqualTo(0.25).Within(1e-15));
    }

    [Test]
    public void ScoresTheBinaryPredictionWhenNoProbabilitiesAreGiven()
    {
        var (ct, r, p, _) = SmallCase();
        var m = CaseEvaluator.Evaluate(ct, r, p, null, new EvaluationOptions { RocRegion = RocRegion.WholeVolume }).Metrics;
        // Sensitivity 2/4, specificity 19/20: AUC = (TPR + TNR)/2 for one threshold.
        Assert.That(m.Auc, Is.EqualTo((0.5 + 19.0 / 20.0) / 2).Within(1e-15));
        Assert.That(m.AucFromProbabilities, Is.False);
    }

    [Test]
    public void PerfectPredictionAndEmptyReference()
    {
        var (ct, r, _, _) = SmallCase();
        var perfect = CaseEvaluator.Evaluate(ct, r, r, null).Metrics;
        Assert.That(perfect.Dice, Is.EqualTo(1.0));
        Assert.That(perfect.MeanAbsoluteError, Is.EqualTo(0.0));
        Assert.That(perfect.RelativeMeanHuDifferencePercent, Is.EqualTo(0.0));

        var empty = new Volume<byte>(SmallGrid);
        var m = CaseEvaluator.Evaluate(ct, empty, r, null).Metrics;
        Assert.That(m.Dice, Is.EqualTo(0.0));
        Assert.That(double.IsNaN(m.FalsePositiveRate), Is.True);
        Assert.That(double.IsNaN(m.RelativeVolumeDifferencePercent), Is.True);
    }

    [Test]
    public void RejectsMismatchedGridsAndMissingPrediction()
    {
        var (ct, r, _, _) = SmallCase();
        var other = new Volume<byte>(new Grid(4, 3, 3, Affine.FromSpacing(2, 2, 2.5)));
        var error = Assert.Throws<ArgumentException>(() => CaseEvaluator.Evaluate(ct, r, other, null));
        Assert.That(error!.Message, Does.Contain("predicted mask"));
        Assert.Throws<ArgumentException>(() => CaseEvaluator.Evaluate(ct, r, null, null));
    }

    [Test]
    public void ParallelSlicesGiveTheSameResultEveryRun()
    {
        var grid = new Grid(64, 48, 40, Affine.FromSpacing(1, 1, 2));
        var random = new Random(7);
        var ct = new Volume<float>(grid);
        var r = new Volume<byte>(grid);
        var p = new Volume<byte>(grid);
        var q = new Volume<float>(grid);
        for (int i = 0; i < grid.VoxelCount; i++)
        {
            ct.Voxels[i] = (float)(random.NextDouble() * 1400 - 1000);
            r.Voxels[i] = (byte)(random.NextDouble() < 0.3 ? 1 : 0);
            q.Voxels[i] = (float)Math.Clamp(0.5 * r.Voxels[i] + 0.6 * random.NextDouble(), 0, 1);
            p.Voxels[i] = (byte)(q.Voxels[i] >= 0.5f ? 1 : 0);
        }
        var first = CaseEvaluator.Evaluate(ct, r, p, q).Metrics;
        for (int run = 0; run < 3; run++)
            Assert.That(CaseEvaluator.Evaluate(ct, r, p, q).Metrics, Is.EqualTo(first));
    }
}
