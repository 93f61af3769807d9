using NativeSeg.Tests.Shared;

namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>
/// The bounded fuzz run of CI: a few hundred mutants of small real DICOM and NIfTI files (fixed seed) read through
/// <see cref="CtReader"/>. Each must be refused with an <see cref="InvalidInputException"/> naming the file in one
/// clean line, or accepted with plausible geometry and finite voxels; none may crash or hang. The long run
/// (100,000 mutants) is `NativeSeg.Benchmarks fuzz`, results in docs/fuzzing.md.
/// </summary>
[NonParallelizable]
public class CtInputFuzzTests
{
    private const int Mutants = 3800; // 200 per seed; about 18 s on 2 cores
    private const int RandomSeed = 20261204;
    private static readonly TimeSpan PerMutantLimit = TimeSpan.FromSeconds(10);

    private string _scratch = "";
    private IReadOnlyList<FuzzSeed> _seeds = [];

    [OneTimeSetUp]
    public void LoadSeeds()
    {
        _scratch = Path.Combine(Path.GetTempPath(), "nativeseg-fuzz-" + Guid.NewGuid().ToString("N"));
        _seeds = FuzzSeeds.Load(RepositoryPaths.Root, RepositoryPaths.SharedData(), _scratch);
    }

    [OneTimeTearDown]
    public void RemoveScratch()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    [Test]
    public void EverySeedIsAValidCt()
    {
        foreach (var seed in _seeds)
        {
            string path = Path.Combine(_scratch, "seed" + seed.Extension);
            File.WriteAllBytes(path, seed.Format == FuzzFormat.NiftiGz ? CtInputMutator.Gzip(seed.Bytes) : seed.Bytes);
            Assert.DoesNotThrow(() => CtReader.Read(path), seed.Name);
        }
    }

    [Test]
    public void MutantsAreRefusedCleanlyOrReadPlausibly()
    {
        var campaign = new FuzzCampaign(_seeds, Path.Combine(_scratch, "work"), PerMutantLimit);
        var tally = campaign.Run(Mutants, RandomSeed);
        TestContext.Out.WriteLine(tally);
        Assert.That(tally.Failures, Is.Zero, string.Join("\n", tally.FailureDescriptions));
        Assert.That(tally.Mutants, Is.EqualTo(Mutants));
        Assert.That(tally[FuzzOutcome.Rejected], Is.GreaterThan(Mutants / 4), "the mutants reach the checks");
        Assert.That(tally[FuzzOutcome.Accepted], Is.GreaterThan(0), "harmless mutants still read");
    }
}
