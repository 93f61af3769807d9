using NativeSeg.IO.Dicom;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Files;
using NativeSeg.Simulation.Lesions;

namespace NativeSeg.Simulation.Tests.Lesions;

/// <summary>
/// LCTSC Case_009 (../shared/data), downsampled 2× in-plane (2×2 mean for the CT, ≥ 2 of 4 for the mask) to keep the
/// suite fast: 256×256×117 at 1.95×1.95×3 mm still has real parenchyma, vessels, noise and pleura.
/// </summary>
public class RealCaseTests
{
    private static Volume<float> _ct = null!;
    private static Volume<byte> _mask = null!;

    [OneTimeSetUp]
    public void LoadCase()
    {
        string ct = TestData.RequireSharedFile("lctsc", "Case_009_ct.nii.gz");
        string mask = TestData.RequireSharedFile("lctsc", "Case_009_lungmask.nii.gz");
        (_ct, _mask) = Downsample(NiftiReader.ReadFloat(ct), NiftiReader.ReadMask(mask));
    }

    [TestCase(Severity.Mild)]
    [TestCase(Severity.Moderate)]
    [TestCase(Severity.Severe)]
    public void FractionRangesAndContainmentOnARealCt(Severity severity)
    {
        var r = LesionSimulator.Simulate(_ct, _mask, LesionOptions.ForSeverity(severity, 1, crazyPaving: severity == Severity.Severe));
        long lung = _mask.Voxels.Count(v => v != 0);
        long lesion = r.Lesions.Voxels.Count(v => v != 0);
        Assert.That((double)lesion / lung, Is.EqualTo(severity.AffectedFraction()).Within(0.02));
        var glass = new List<float>();
        var consolidation = new List<float>();
        for (int v = 0; v < r.Ct.Voxels.Length; v++)
        {
            byte label = r.Lesions.Voxels[v];
            if (label == 0) continue;
            if (_mask.Voxels[v] == 0) Assert.Fail($"lesion voxel {v} outside the lung mask");
            if (label == LesionLabel.Consolidation) consolidation.Add(r.Ct.Voxels[v]);
            else if (label == LesionLabel.GroundGlass && _ct.Voxels[v] < -700) glass.Add(r.Ct.Voxels[v]);
        }
        Assert.Multiple(() =>
        {
            Assert.That(TestData.Median(glass), Is.InRange(-700, -500), "ground glass over parenchyma");
            Assert.That(TestData.Median(consolidation), Is.InRange(-100, 50), "consolidation");
            Assert.That(r.Statistics.NoiseMeasured, Is.True);
            Assert.That(r.Statistics.NoiseSd, Is.InRange(3, 60), "a plausible CT noise SD");
        });
    }

    [Test]
    public void DicomSeriesAndNiftiMaskAreAlignedForSimulation()
    {
        string folder = TestData.RequireSharedFile("lctsc", "Case_009_dicom");
        string maskPath = TestData.RequireSharedFile("lctsc", "Case_009_lungmask.nii.gz");
        var ct = DicomSeriesReader.ReadVolume(folder);
        var mask = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(maskPath), ct.Grid, maskPath);
        Assert.That(mask.Grid, Is.SameAs(ct.Grid));
        long inside = 0, dark = 0;
        for (int v = 0; v < ct.Voxels.Length; v++)
        {
            if (mask.Voxels[v] == 0) continue;
            inside++;
            if (ct.Voxels[v] < -400) dark++;
        }
        // The data README: 90–96 % of mask voxels are below −400 HU when mask and CT are aligned.
        Assert.That((double)dark / inside, Is.GreaterThan(0.9));
    }

    private static (Volume<float>, Volume<byte>) Downsample(Volume<float> ct, Volume<byte> mask)
    {
        var g = ct.Grid;
        int nx = g.SizeX / 2, ny = g.SizeY / 2;
        var a = g.Affine;
        var affine = new Affine(new double[,]
        {
            { 2 * a[0, 0], 2 * a[0, 1], a[0, 2], a[0, 3] + 0.5 * (a[0, 0] + a[0, 1]) },
            { 2 * a[1, 0], 2 * a[1, 1], a[1, 2], a[1, 3] + 0.5 * (a[1, 0] + a[1, 1]) },
            { 2 * a[2, 0], 2 * a[2, 1], a[2, 2], a[2, 3] + 0.5 * (a[2, 0] + a[2, 1]) },
        });
        var grid = new Grid(nx, ny, g.SizeZ, affine);
        var small = new float[grid.VoxelCount];
        var smallMask = new byte[grid.VoxelCount];
        for (int z = 0; z < g.SizeZ; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int a00 = g.Index(2 * x, 2 * y, z), a10 = a00 + 1, a01 = a00 + g.SizeX, a11 = a01 + 1;
                    small[grid.Index(x, y, z)] = 0.25f * (ct.Voxels[a00] + ct.Voxels[a10] + ct.Voxels[a01] + ct.Voxels[a11]);
                    int votes = (mask.Voxels[a00] != 0 ? 1 : 0) + (mask.Voxels[a10] != 0 ? 1 : 0) + (mask.Voxels[a01] != 0 ? 1 : 0) + (mask.Voxels[a11] != 0 ? 1 : 0);
                    smallMask[grid.Index(x, y, z)] = (byte)(votes >= 2 ? 1 : 0);
                }
        return (new Volume<float>(grid, small), new Volume<byte>(grid, smallMask));
    }
}
