using NativeSeg.IO;

namespace NativeSeg.Cli.Outputs;

/// <summary>
/// The files (and folders) one command writes, made all-or-nothing. Register the inputs, then each output: every
/// output location is checked before any work (its folder exists and is writable, it is not an input under another
/// spelling, link or hard link, nor a file inside an input folder), stale temporaries of killed runs in its folder
/// are removed, and the command gets a hidden temporary path to write to. <see cref="Commit"/> renames them all into
/// place together (restoring what they replaced if one rename fails); disposing without a commit removes them.
/// </summary>
public sealed class OutputSet : IDisposable
{
    private readonly List<Input> _inputs = [];
    private readonly List<Staged> _staged = [];
    private readonly HashSet<string> _cleanedFolders = new(StringComparer.Ordinal);
    private bool _committed;

    private sealed record Input(string Path, FileIdentity Identity, bool IsFolder);

    private sealed record Staged(string UserPath, string FullPath, string Temporary, bool IsFolder);

    /// <summary>Files of killed runs that the checks removed (for a verbose line).</summary>
    public List<string> RemovedStale { get; } = [];

    /// <summary>An input file or folder; nothing is checked about it here (missing inputs are the reader's to report).</summary>
    public OutputSet Read(string? path)
    {
        if (path is not null && FileIdentity.Of(path) is { } identity)
            _inputs.Add(new Input(path, identity, Directory.Exists(path)));
        return this;
    }

    /// <summary>An output file: returns the temporary path to write it to.</summary>
    public string File(string path, string option)
    {
        var (full, temporary) = Stage(path, option);
        if (Directory.Exists(full))
            throw new UsageException($"{option} {path}: this is a folder; give a file name.");
        _staged.Add(new Staged(path, full, temporary, IsFolder: false));
        return temporary;
    }

    public string? OptionalFile(string? path, string option) => path is null ? null : File(path, option);

    /// <summary>An output folder written as a whole (a report): returns an empty temporary folder to write into.</summary>
    public string Folder(string path, string option)
    {
        RefuseInputFolder(path, Path.GetFullPath(path), option);
        var (full, temporary) = Stage(path, option);
        if (System.IO.File.Exists(full))
            throw new UsageException($"{option} {path}: this is a file; give a folder.");
        Directory.CreateDirectory(temporary);
        _staged.Add(new Staged(path, full, temporary, IsFolder: true));
        return temporary;
    }

    /// <summary>
    /// An output folder that the command fills in place over a long run (training checkpoints): checked like the
    /// others, together with the names it will write there. Nothing is staged.
    /// </summary>
    public string FolderInPlace(string path, string option, params string[] fileNames)
    {
        string full = Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
            throw new UsageException($"{option} {path}: this is a file; give a folder.");
        RefuseInputFolder(path, full, option);
        foreach (string name in fileNames)
            RefuseAlias(Path.Combine(path, name), Path.Combine(full, name), option);
        if (Directory.Exists(full))
        {
            CheckWritable(path, full);
            Clean(full);
            return path;
        }
        // Created by the command once it starts writing; a run that fails before then leaves no empty folder.
        string parent = Path.GetDirectoryName(full) ?? full;
        if (!Directory.Exists(parent))
            throw new InvalidInputException(path, $"cannot create the output folder: {parent} does not exist.");
        CheckWritable(path, parent);
        return path;
    }

    /// <summary>Moves every staged output into place, all or none.</summary>
    public void Commit()
    {
        var files = new List<(string UserPath, string Temporary, string Target)>();
        foreach (var staged in _staged)
        {
            if (!staged.IsFolder)
            {
                if (!System.IO.File.Exists(staged.Temporary))
                    throw new InvalidOperationException($"{staged.UserPath} was registered as an output but not written.");
                files.Add((staged.UserPath, staged.Temporary, staged.FullPath));
                continue;
            }
            foreach (string file in Directory.EnumerateFiles(staged.Temporary, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(staged.FullPath, Path.GetRelativePath(staged.Temporary, file));
                RefuseAlias(target, target, staged.UserPath);
                files.Add((target, file, target));
            }
        }

        var done = new List<(string Target, string? Previous)>();
        try
        {
            foreach (var (userPath, temporary, target) in files)
            {
                string? previous = null;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (System.IO.File.Exists(target))
                {
                    previous = TemporaryNames.For(target) + ".previous";
                    System.IO.File.Move(target, previous, overwrite: true);
                }
                done.Add((target, previous));
                try
                {
                    System.IO.File.Move(temporary, target, overwrite: false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"{userPath}: cannot move the finished file into place: {e.Message}", e);
                }
            }
        }
        catch
        {
            // Put back what was there, so a failed set leaves the folder as it found it.
            foreach (var (target, previous) in Enumerable.Reverse(done))
            {
                TryDelete(target);
                if (previous is not null) TryMove(previous, target);
            }
            throw;
        }
        foreach (var (_, previous) in done)
            if (previous is not null) TryDelete(previous);
        foreach (var staged in _staged.Where(s => s.IsFolder))
            TryDeleteFolder(staged.Temporary);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        foreach (var staged in _staged)
        {
            if (staged.IsFolder) TryDeleteFolder(staged.Temporary);
            else TryDelete(staged.Temporary);
        }
    }

    private (string Full, string Temporary) Stage(string path, string option)
    {
        string full = Path.GetFullPath(path);
        RefuseAlias(path, full, option);
        if (_staged.Any(s => s.FullPath == full || FileIdentity.Resolve(s.FullPath) == FileIdentity.Resolve(full)))
            throw new UsageException($"{option} {path}: the same path is given for two outputs.");
        string folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder))
            throw new InvalidInputException(path, $"the output folder {folder} does not exist.");
        CheckWritable(path, folder);
        Clean(folder);
        return (full, TemporaryNames.For(full));
    }

    private void RefuseAlias(string path, string full, string option)
    {
        if (FileIdentity.Of(full) is not { } output) return;
        foreach (var input in _inputs)
        {
            if (input.Identity.SameAs(output))
                throw new UsageException($"{option} {path}: this is the input {input.Path}; writing it would destroy the input. Choose another output path.");
            if (input.IsFolder && IsInside(output.ResolvedPath, input.Identity.ResolvedPath))
                throw new UsageException($"{option} {path}: this is a file of the input folder {input.Path}; writing it would change the input. Choose another output path.");
        }
    }

    private void RefuseInputFolder(string path, string full, string option)
    {
        string resolved = FileIdentity.Resolve(full);
        foreach (var input in _inputs.Where(i => i.IsFolder))
            if (resolved == input.Identity.ResolvedPath || IsInside(resolved, input.Identity.ResolvedPath))
                throw new UsageException($"{option} {path}: this is inside the input folder {input.Path}; writing there would change the input. Choose another output folder.");
    }

    private static bool IsInside(string path, string folder) =>
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void CheckWritable(string userPath, string folder)
    {
        string probe = Path.Combine(folder, $"{TemporaryNames.Marker}{Environment.ProcessId}-probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(userPath, $"the output folder {folder} is not writable ({e.Message}).", e);
        }
    }

    private void Clean(string folder)
    {
        if (_cleanedFolders.Add(folder))
            RemovedStale.AddRange(StaleTemporaries.Clean(folder));
    }

    private static void TryDelete(string path)
    {
        try { System.IO.File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static void TryMove(string from, string to)
    {
        try { System.IO.File.Move(from, to, overwrite: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static void TryDeleteFolder(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
