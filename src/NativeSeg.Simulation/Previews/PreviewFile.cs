using NativeSeg.IO.Png;

namespace NativeSeg.Simulation.Previews;

/// <summary>Writes a preview image as PNG, atomically (temporary file in the same folder, then rename).</summary>
public static class PreviewFile
{
    public static void Save(RgbImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        string target = Path.GetFullPath(path);
        string temporary = target + ".tmp-" + Environment.ProcessId;
        PngWriter.WriteRgb(temporary, image.Width, image.Height, image.Pixels);
        File.Move(temporary, target, overwrite: true);
    }
}
