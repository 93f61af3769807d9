using System.Security.Cryptography;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// Every file and folder under a folder (hidden ones included) with the SHA-256 of each file: equal snapshots
/// before and after a failed command prove that its inputs are unchanged and that it left nothing behind.
/// </summary>
public static class FolderSnapshot
{
    public static SortedDictionary<string, string> Take(string folder)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(folder, path);
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null) entries[relative] = "(folder)";
            else if (new FileInfo(path).LinkTarget is { } target) entries[relative] = "-> " + target;
            else entries[relative] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        return entries;
    }

    public static void AssertUnchanged(SortedDictionary<string, string> before, string folder, string because) =>
        Assert.That(Take(folder), Is.EqualTo(before), because);
}
