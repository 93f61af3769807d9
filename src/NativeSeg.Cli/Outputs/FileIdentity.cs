using System.Runtime.InteropServices;

namespace NativeSeg.Cli.Outputs;

/// <summary>
/// What a path is on disk, independent of how it is spelled: device and inode on Linux, so that another spelling,
/// a symbolic link or a hard link to the same file compare equal. Elsewhere the fully resolved path stands in.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode, string ResolvedPath)
{
    /// <summary>The identity of an existing file or folder, or null when nothing is at <paramref name="path"/>.</summary>
    public static FileIdentity? Of(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full)) return null;
        string resolved = Resolve(full);
        if (OperatingSystem.IsLinux() && Stat(full) is (ulong device, ulong inode))
            return new FileIdentity(device, inode, resolved);
        return new FileIdentity(0, 0, resolved);
    }

    public bool SameAs(FileIdentity other) =>
        Inode != 0 && other.Inode != 0 ? Device == other.Device && Inode == other.Inode : ResolvedPath == other.ResolvedPath;

    /// <summary>The path with every symbolic link along it followed.</summary>
    public static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        string resolvedParent = parent is null ? full : Resolve(parent);
        string here = parent is null ? full : Path.Combine(resolvedParent, Path.GetFileName(full));
        for (int hops = 0; hops < 40; hops++)
        {
            FileSystemInfo info = Directory.Exists(here) ? new DirectoryInfo(here) : new FileInfo(here);
            if (info.LinkTarget is not { } target) return here;
            here = Path.GetFullPath(target, Path.GetDirectoryName(here) ?? "/");
        }
        return here;
    }

    // struct stat on x86-64 and arm64 glibc both begin with st_dev (8 bytes) and st_ino (8 bytes); the rest is
    // left unread, so one generous buffer serves both layouts.
    private static (ulong, ulong)? Stat(string path)
    {
        var buffer = new byte[256];
        try
        {
            if (NativeStat(path, buffer) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        return (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int NativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
}
