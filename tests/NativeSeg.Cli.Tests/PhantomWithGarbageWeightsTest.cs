namespace NativeSeg.Cli.Tests;

/// <summary>
/// A small phantom CT and a weights file of zeros in a fresh folder per test: what the refusal tests need, since a
/// command that got as far as loading such weights would fail differently from the refusal under test.
/// </summary>
public abstract class PhantomWithGarbageWeightsTest
{
    protected TemporaryFolder Folder { get; private set; } = null!;
    protected Phantoms.Files Phantom { get; private set; } = null!;
    protected string GarbageWeights { get; private set; } = null!;

    [SetUp]
    public void MakeInputs()
    {
        Folder = new TemporaryFolder();
        Phantom = Phantoms.Make(Folder, "p", "32x32x8");
        GarbageWeights = Folder.File("garbage.safetensors");
        File.WriteAllBytes(GarbageWeights, new byte[4096]);
    }

    [TearDown]
    public void DeleteFolder() => Folder.Dispose();
}
