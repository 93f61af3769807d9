using NativeSeg.Cli.Outputs;

namespace NativeSeg.Cli.Tests;

/// <summary>The error path's two rewrites: control characters shown as \xNN, temporaries shown as the user's file.</summary>
public sealed class TerminalTextTests
{
    [Test]
    public void ControlCharacters_BecomeHexEscapes_OthersStay() =>
        Assert.That(TerminalText.Sanitize("a\u001b[31mb\tc\u0085d é ✓"), Is.EqualTo("a\\x1B[31mb\\x09c\\x85d é ✓"));

    [Test]
    public void TemporaryPaths_InAMessage_BecomeTheUsersPath()
    {
        string target = Path.Combine(Path.GetTempPath(), "some folder", "prob.nii.gz");
        string temporary = TemporaryNames.For(target);
        // Another output of the same name in another folder (an earlier run in this process) must not be confused with it.
        TemporaryNames.For(Path.Combine(Path.GetTempPath(), "other", "prob.nii.gz"));
        string nested = Path.Combine(Path.GetDirectoryName(temporary)!, $".nativeseg-tmp-{Environment.ProcessId}-{Path.GetFileName(temporary)}.{Guid.NewGuid():N}");
        Assert.That(TemporaryNames.ToUserPaths($"No space left on device : '{nested}'"), Is.EqualTo($"No space left on device : '{target}'"));
        Assert.That(TemporaryNames.ToUserPaths($"{temporary}: cannot write"), Is.EqualTo($"{target}: cannot write"));
        Assert.That(TemporaryNames.OwnerOf(Path.GetFileName(nested)), Is.EqualTo(Environment.ProcessId));
        Assert.That(TemporaryNames.OwnerOf("prob.nii.gz"), Is.Null);
    }
}
