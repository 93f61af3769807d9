using System.Text.Json;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.Imaging.Statistics;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Dicom;
using NativeSeg.IO.Tests.Dicom.Writing;
using NativeSeg.IO.Tests.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Imaging.Tests.Statistics;

/// <summary>
/// <see cref="LungStatistics"/> on Case_009 (real CT, ground-truth lungs split right/left) against an independent
/// numpy/nibabel computation (<c>Fixtures/Statistics/lung_statistics.py</c>), and on a hand-counted small volume.
/// </summary>
public sealed class LungStatisticsTests
{
    [Test]
    public void MatchesNumpyOnCase009()
    {
        var rightLeft = LungSplitter.Split(Case009.Mask);
        var ours = LungStatistics.Compute(Case009.Ct, rightLeft);
        using var folder = DicomTestData.NewTempFolder();
        string labels = folder.File("right_left.nii.gz");
        NiftiWriter.Write(labels, rightLeft);
        string script = RepositoryPaths.InRepository("tests", "NativeSeg.Imaging.Tests", "Fixtures", "Statistics", "lung_statistics.py");
        var run = ExternalTool.Run("/usr/bin/python3", script, NiftiTestData.LctscCt("Case_009"), labels);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var numpy = JsonDocument.Parse(run.Out).RootElement;

        Assert.That(ours.Select(s => s.Label), Is.EqualTo(new[] { "lung", "right", "left" }));
        foreach (var s in ours)
        {
            var expected = numpy.GetProperty(s.Label);
            Assert.Multiple(() =>
            {
                Assert.That(s.Voxels, Is.EqualTo(expected.GetProperty("voxels").GetInt64()), s.Label);
                Assert.That(s.VolumeMl, Is.EqualTo(expected.GetProperty("volume_ml").GetDouble()).Within(1e-9).Percent, s.Label);
                Assert.That(s.MeanHu, Is.EqualTo(expected.GetProperty("mean_hu").GetDouble()).Within(1e-9).Percent, s.Label);
                Assert.That(s.MedianHu, Is.EqualTo(expected.GetProperty("median_hu").GetDouble()), s.Label);
                Assert.That(s.FractionBelowMinus950Hu, Is.EqualTo(expected.GetProperty("below_950").GetDouble()).Within(1e-12), s.Label);
                Assert.That(s.FractionMinus700ToMinus100Hu, Is.EqualTo(expected.GetProperty("from_700_to_100").GetDouble()).Within(1e-12), s.Label);
                Assert.That(s.FirstSlice, Is.EqualTo(expected.GetProperty("first_slice").GetInt32()), s.Label);
                Assert.That(s.LastSlice, Is.EqualTo(expected.GetProperty("last_slice").GetInt32()), s.Label);
            });
        }
        // Guards the comparison: real lungs, both sides, plausible densities.
        Assert.That(ours[0].VolumeMl, Is.InRange(2000, 8000));
        Assert.That(ours[1].Voxels, Is.GreaterThan(0));
        Assert.That(ours[2].Voxels, Is.GreaterThan(0));
        Assert.That(ours[0].MeanHu, Is.InRange(-950, -500));
    }

    [Test]
    public void HandCountedVolume()
    {
        // 2 mm isotropic voxels (8 µL each); right lung: 4 voxels on slice 1 at -1000, -960, -700, -100;
        // left lung: 2 voxels on slice 2 at -950 and -99. Nothing on slices 0 and 3.
        var grid = new Grid(4, 1, 4, Affine.FromSpacing(2, 2, 2));
        var ct = new Volume<float>(grid);
        var labels = new Volume<byte>(grid);
        void Put(int x, int z, byte label, float hu) { labels[x, 0, z] = label; ct[x, 0, z] = hu; }
        Put(0, 1, 1, -1000); Put(1, 1, 1, -960); Put(2, 1, 1, -700); Put(3, 1, 1, -100);
        Put(0, 2, 2, -950); Put(1, 2, 2, -99);
        var stats = LungStatistics.Compute(ct, labels);
        var (lung, right, left) = (stats[0], stats[1], stats[2]);
        Assert.That(right.Voxels, Is.EqualTo(4));
        Assert.That(right.VolumeMl, Is.EqualTo(0.032).Within(1e-12));
        Assert.That(right.MeanHu, Is.EqualTo(-690));
        Assert.That(right.MedianHu, Is.EqualTo(-830));
        Assert.That(right.FractionBelowMinus950Hu, Is.EqualTo(0.5));      // -1000, -960 (not -950 itself)
        Assert.That(right.FractionMinus700ToMinus100Hu, Is.EqualTo(0.5)); // -700 and -100 both count
        Assert.That((right.FirstSlice, right.LastSlice), Is.EqualTo((1, 1)));
        Assert.That(left.MedianHu, Is.EqualTo(-524.5));
        Assert.That(left.FractionBelowMinus950Hu, Is.Zero);
        Assert.That(left.FractionMinus700ToMinus100Hu, Is.Zero);          // -99 is above the range
        Assert.That(lung.Voxels, Is.EqualTo(6));
        Assert.That(lung.MedianHu, Is.EqualTo(-825));                     // -1000 -960 -950 -700 -100 -99
        Assert.That((lung.FirstSlice, lung.LastSlice), Is.EqualTo((1, 2)));
        var none = LungStatistics.Compute(ct, new Volume<byte>(grid))[0];
        Assert.That(none.Voxels, Is.Zero);
        Assert.That(double.IsNaN(none.MedianHu) && none.FirstSlice is null, Is.True);
    }
}
