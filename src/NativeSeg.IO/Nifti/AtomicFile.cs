namespace NativeSeg.IO.Nifti;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one: the content goes to a
/// temporary file in the same folder (same file system, so the rename is atomic), which is renamed over the
/// target only once fully written and flushed. On any failure the temporary file is deleted.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> writeContent)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? ".";
        // Named for its owner so that the next run in this folder can remove it after a kill -9.
        string temporary = Path.Combine(folder, $".nativeseg-tmp-{Environment.ProcessId}-{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* the original error matters more */ }
        catch (UnauthorizedAccessException) { }
    }
}
