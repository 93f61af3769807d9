namespace NativeSeg.Cli.Tests;

/// <summary>
/// Each wrong input gets its documented exit code and exactly one error line on stderr that names the culprit,
/// with no stack trace and no output file left behind.
/// </summary>
public sealed class SegmentBadInputTests
{
    private TemporaryFolder _shared = null!;
    private Phantoms.Files _phantom = null!;
    private TemporaryFolder _folder = null!;
    private string _garbageWeights = null!;

    [OneTimeSetUp]
    public void MakePhantom()
    {
        _shared = new TemporaryFolder();
        _phantom = Phantoms.Make(_shared, "p", "32x32x8");
    }

    [OneTimeTearDown]
    public void DeletePhantom() => _shared.Dispose();

    [SetUp]
    public void MakeFolder()
    {
        _folder = new TemporaryFolder();
        // Every error below is found before the weights are read, except the one about the weights themselves.
        _garbageWeights = _folder.File("garbage.safetensors");
        File.WriteAllBytes(_garbageWeights, Garbage(4096));
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private string Output => _folder.File("mask.nii.gz");

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(12345).NextBytes(bytes);
        return bytes;
    }

    private CliResult ExpectFailure(int exitCode, string named, params string[] args)
    {
        var result = CliRunner.Expect(exitCode, args);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Contain(named), result.ToString());
        Assert.That(result.Err, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(result.Err, Does.Not.Contain("Exception"), "no exception dump");
        Assert.That(File.Exists(Output), Is.False, "no output left behind");
        Assert.That(Directory.GetFiles(_folder.Path).Select(Path.GetFileName), Is.SubsetOf(new[] { "garbage.safetensors", "corrupt.nii.gz", "truncated.nii.gz" }));
        return result;
    }

    private string[] Segment(string input, params string[] extra) =>
        ["segment", input, "-o", Output, "--weights", _garbageWeights, "--device", "cpu", .. extra];

    [Test]
    public void MissingInput_IsInvalidInput()
    {
        string missing = _folder.File("nosuch.nii.gz");
        ExpectFailure(ExitCodes.InvalidInput, missing, Segment(missing));
    }

    [Test]
    public void GarbageNifti_IsInvalidInput()
    {
        string corrupt = _folder.File("corrupt.nii.gz");
        File.WriteAllBytes(corrupt, Garbage(2000));
        ExpectFailure(ExitCodes.InvalidInput, corrupt, Segment(corrupt));
    }

    [Test]
    public void TruncatedNifti_IsInvalidInput()
    {
        string truncated = _folder.File("truncated.nii.gz");
        var bytes = File.ReadAllBytes(_phantom.Ct);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        ExpectFailure(ExitCodes.InvalidInput, truncated, Segment(truncated));
    }

    [Test]
    public void OutputNotNifti_IsUsageError()
    {
        string png = _folder.File("mask.png");
        ExpectFailure(ExitCodes.UsageError, png, ["segment", _phantom.Ct, "-o", png, "--weights", _garbageWeights, "--device", "cpu"]);
        Assert.That(File.Exists(png), Is.False);
    }

    [Test]
    public void UnknownDevice_IsDeviceUnavailable() =>
        ExpectFailure(ExitCodes.DeviceUnavailable, "nosuch", ["segment", _phantom.Ct, "-o", Output, "--weights", _garbageWeights, "--device", "nosuch"]);

    [Test]
    public void CudaWithoutGpu_IsDeviceUnavailable()
    {
        if (Engine.Ilgpu.IlgpuBackend.IsCudaAvailable())
            Assert.Ignore("this machine has an NVIDIA GPU");
        ExpectFailure(ExitCodes.DeviceUnavailable, "cuda", ["segment", _phantom.Ct, "-o", Output, "--weights", _garbageWeights, "--device", "cuda"]);
    }

    [Test]
    public void ZeroBatchSize_IsUsageError() =>
        ExpectFailure(ExitCodes.UsageError, "--batch-size", Segment(_phantom.Ct, "--batch-size", "0"));

    [Test]
    public void UnknownOption_IsUsageError() =>
        ExpectFailure(ExitCodes.UsageError, "--no-such-option", Segment(_phantom.Ct, "--no-such-option"));

    [Test]
    public void GarbageWeights_IsInvalidInput() =>
        ExpectFailure(ExitCodes.InvalidInput, _garbageWeights, Segment(_phantom.Ct));
}
