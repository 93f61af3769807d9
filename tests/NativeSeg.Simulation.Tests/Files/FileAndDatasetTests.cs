using NativeSeg.IO.Datasets;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Datasets;
using NativeSeg.Simulation.Files;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Phantoms;

namespace NativeSeg.Simulation.Tests.Files;

public class FileAndDatasetTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "nativeseg-sim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Test]
    public void SimulateWritesNiftiOnTheInputGridWithItsScaling()
    {
        var options = new PhantomOptions { SizeX = 64, SizeY = 64, SizeZ = 20, Seed = 2 };
        string ct = Path.Combine(_folder, "in_ct.nii.gz"), mask = Path.Combine(_folder, "in_mask.nii.gz");
        var phantom = PhantomFiles.Write(options, ct, mask);
        // Store the input as int16 with a RescaleIntercept like LCTSC's, to see the output keep it.
        CtFile.WriteInt16(ct, phantom.Ct, 1, -1024);
        string outCt = Path.Combine(_folder, "out_ct.nii.gz"), outLesions = Path.Combine(_folder, "out_lesions.nii.gz");
        string preview = Path.Combine(_folder, "preview.png");
        var (statistics, checks) = CovidSimulation.Run(ct, mask, outCt, outLesions, LesionOptions.ForSeverity(Severity.Moderate), preview);

        var header = NiftiReader.ReadHeader(outCt);
        var written = NiftiReader.ReadFloat(outCt);
        var lesions = NiftiReader.ReadMask(outLesions);
        var input = NiftiReader.ReadFloat(ct);
        Assert.Multiple(() =>
        {
            Assert.That(header.DataType, Is.EqualTo(NiftiDataType.Int16));
            Assert.That(header.EffectiveInter, Is.EqualTo(-1024));
            Assert.That(written.Grid.SameGeometry(input.Grid, 1e-4), Is.True, "same grid and affine");
            Assert.That(lesions.Grid.SameGeometry(input.Grid, 1e-4), Is.True);
            Assert.That(lesions.Voxels.Count(v => v != 0), Is.EqualTo(statistics.LesionVoxels));
            Assert.That(statistics.AffectedFraction, Is.EqualTo(0.15).Within(0.02));
            Assert.That(checks.Passed, Is.True, checks.ToString());
            Assert.That(checks.LesionVoxelsOutsideLung, Is.Zero);
            Assert.That(File.ReadAllBytes(preview).Take(8), Is.EqualTo(PngSignature));
        });
        for (int v = 0; v < written.Voxels.Length; v++)
            if (lesions.Voxels[v] == 0 && written.Voxels[v] != input.Voxels[v]) Assert.Fail($"voxel {v} changed outside the lesions");
    }

    [Test]
    public void MaskInAnotherIndexOrderIsPutOntoTheCtGrid()
    {
        var grid = new Grid(4, 3, 2, new Affine(new double[,] { { -1, 0, 0, 10 }, { 0, 2, 0, -5 }, { 0, 0, 3, 7 } }));
        var mask = new Volume<byte>(grid);
        for (int v = 0; v < mask.Voxels.Length; v++) mask.Voxels[v] = (byte)v;
        // The same voxels with rows flipped: j' = 2 − j, so y = −5 + 2·(2 − j') = −1 − 2·j'.
        var flipped = new Grid(4, 3, 2, new Affine(new double[,] { { -1, 0, 0, 10 }, { 0, -2, 0, -1 }, { 0, 0, 3, 7 } }));
        var aligned = VolumeAlignment.OntoGrid(mask, flipped, "mask.nii.gz");
        for (int z = 0; z < 2; z++)
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 4; x++)
                    Assert.That(aligned[x, y, z], Is.EqualTo(mask[x, 2 - y, z]));
        var shifted = new Grid(4, 3, 2, Affine.FromSpacing(1, 2, 3, 0.5, 0, 0));
        Assert.Throws<NativeSeg.IO.InvalidInputException>(() => VolumeAlignment.OntoGrid(mask, shifted, "mask.nii.gz"));
    }

    [Test]
    public void TrainingSetBuilderWritesAManifestTheOthersCanLoadAndResumes()
    {
        // A stand-in shared folder: one "LCTSC" case made from a phantom, laid out like ../shared/data/lctsc.
        string shared = Path.Combine(_folder, "shared");
        Directory.CreateDirectory(Path.Combine(shared, "lctsc"));
        PhantomFiles.Write(new PhantomOptions { SizeX = 48, SizeY = 48, SizeZ = 16, Seed = 9 },
            Path.Combine(shared, "lctsc", "Case_900_ct.nii.gz"), Path.Combine(shared, "lctsc", "Case_900_lungmask.nii.gz"));
        string output = Path.Combine(_folder, "training");
        var options = new TrainingSetOptions
        {
            Severities = [Severity.Mild, Severity.Severe],
            Seeds = [1],
            NormalPhantoms = 1,
            CovidPhantoms = 1,
            PhantomTemplate = new PhantomOptions { SizeX = 48, SizeY = 48, SizeZ = 16 },
            TestPatients = ["phantom_n01"],
        };
        var built = TrainingSetBuilder.Build(shared, output, options);
        var manifest = DatasetManifest.Load(Path.Combine(output, TrainingSetBuilder.ManifestFileName));
        Assert.That(manifest.Cases.Select(c => c.Id), Is.EqualTo(new[]
        {
            "Case_900", "Case_900_mild_s1", "Case_900_severe_s1", "phantom_n01", "phantom_c01_mild",
        }));
        Assert.That(built.Cases, Has.Count.EqualTo(5));
        foreach (var c in manifest.Cases)
        {
            Assert.That(File.Exists(manifest.Resolve(c.Ct)), Is.True, c.Ct);
            Assert.That(File.Exists(manifest.Resolve(c.Mask!)), Is.True, c.Mask);
            if (c.Lesions is not null) Assert.That(File.Exists(manifest.Resolve(c.Lesions)), Is.True, c.Lesions);
            Assert.That(c.Group, Is.EqualTo(c.Lesions is null ? DatasetManifest.GroupNormal : DatasetManifest.GroupCovid));
        }
        var simulated = manifest.Cases.Single(c => c.Id == "Case_900_severe_s1");
        Assert.Multiple(() =>
        {
            Assert.That(simulated.Patient, Is.EqualTo("Case_900"), "simulations stay with their patient");
            Assert.That(simulated.Source, Is.EqualTo("simulated"));
            Assert.That(simulated.Severity, Is.EqualTo("severe"));
            Assert.That(manifest.Resolve(simulated.Mask!), Is.EqualTo(Path.GetFullPath(Path.Combine(shared, "lctsc", "Case_900_lungmask.nii.gz"))));
            Assert.That(manifest.Cases.Single(c => c.Id == "phantom_n01").Split, Is.EqualTo("test"));
            Assert.That(manifest.Cases.Single(c => c.Id == "Case_900").Split, Is.Null);
            Assert.That(File.Exists(Path.Combine(output, "previews", "Case_900_mild_s1.png")), Is.True);
        });

        // A second build keeps the files that exist.
        string someOutput = manifest.Resolve(simulated.Ct);
        var before = File.GetLastWriteTimeUtc(someOutput);
        Thread.Sleep(20);
        TrainingSetBuilder.Build(shared, output, options);
        Assert.That(File.GetLastWriteTimeUtc(someOutput), Is.EqualTo(before));
    }

    [Test]
    public void EffusionShareGivesTheTrainingPatientsVersionsFluidOutsideTheirLungMask()
    {
        string shared = Path.Combine(_folder, "shared");
        Directory.CreateDirectory(Path.Combine(shared, "lctsc"));
        foreach (var (name, seed) in new[] { ("Case_900", 9UL), ("Case_901", 10UL) })
            PhantomFiles.Write(new PhantomOptions { SizeX = 48, SizeY = 48, SizeZ = 16, Seed = seed },
                Path.Combine(shared, "lctsc", name + "_ct.nii.gz"), Path.Combine(shared, "lctsc", name + "_lungmask.nii.gz"));
        var options = new TrainingSetOptions
        {
            Severities = [Severity.Mild, Severity.Severe], Seeds = [1], NormalPhantoms = 0, CovidPhantoms = 0,
            TestPatients = ["Case_901"], EffusionShare = 1, Previews = false,
        };
        var manifest = TrainingSetBuilder.Build(shared, Path.Combine(_folder, "training"), options);
        Assert.That(manifest.Cases.Select(c => c.Id), Is.EqualTo(new[]
        {
            "Case_900", "Case_900_mild_s1_effusion", "Case_900_severe_s1_effusion", "Case_901", "Case_901_mild_s1", "Case_901_severe_s1",
        }), "every training version gets one at share 1, the test patient's none");
        foreach (var version in manifest.Cases.Where(c => c.Source == "simulated"))
        {
            var source = NiftiReader.ReadMask(Path.Combine(shared, "lctsc", version.Patient + "_lungmask.nii.gz")).Voxels;
            var mask = NiftiReader.ReadMask(manifest.Resolve(version.Mask!)).Voxels;
            var lesions = NiftiReader.ReadMask(manifest.Resolve(version.Lesions!)).Voxels;
            int fluid = 0, fluidOutsideMask = 0, lungLost = 0;
            for (int i = 0; i < mask.Length; i++)
            {
                if (lesions[i] == LesionLabel.Effusion) { fluid++; if (mask[i] == 0 && source[i] != 0) fluidOutsideMask++; }
                if (source[i] != 0 && mask[i] == 0) lungLost++;
            }
            bool training = version.Patient == "Case_900";
            Assert.Multiple(() =>
            {
                Assert.That(fluid > 0, Is.EqualTo(training), $"{version.Id}: effusion voxels");
                Assert.That(fluidOutsideMask, Is.EqualTo(fluid), $"{version.Id}: the fluid is taken from the lung and left out of the mask");
                Assert.That(lungLost, Is.EqualTo(fluid), $"{version.Id}: the mask loses the fluid and nothing else");
            });
        }
        Assert.That(manifest.Description, Does.Contain("pleural effusions on a share 1"));

        string refused = Path.Combine(_folder, "refused");
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingSetBuilder.Build(shared, refused, options with { EffusionShare = 1.5 }));
        Assert.That(Directory.Exists(refused), Is.False, "a share outside [0, 1] is refused before anything is written");
    }

    [Test]
    public void EffusionDrawsFollowTheShareAndStayWithinTheirRange()
    {
        var drawn = (from seed in Enumerable.Range(1, 50) from patient in Enumerable.Range(0, 4) from severity in Enum.GetValues<Severity>()
                     select EffusionRecipe.ThicknessMm(0.3, (ulong)seed, patient, severity)).ToList();
        var withEffusion = drawn.Where(mm => mm > 0).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(withEffusion.Count / (double)drawn.Count, Is.EqualTo(0.3).Within(0.06), "share of 600 draws");
            Assert.That(withEffusion, Is.All.InRange(EffusionRecipe.MinimumMm, EffusionRecipe.MaximumMm));
            Assert.That(withEffusion.Max() - withEffusion.Min(), Is.GreaterThan(8), "thicknesses spread over the range");
            Assert.That(EffusionRecipe.ThicknessMm(0, 1, 0, Severity.Severe), Is.EqualTo(0));
            Assert.That(EffusionRecipe.ThicknessMm(0.3, 7, 2, Severity.Mild), Is.EqualTo(EffusionRecipe.ThicknessMm(0.3, 7, 2, Severity.Mild)), "a hash, not a generator");
            Assert.Throws<ArgumentOutOfRangeException>(() => EffusionRecipe.ThicknessMm(1.5, 1, 0, Severity.Mild));
        });
    }
}
