using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Previews;

namespace NativeSeg.Cli;

/// <summary>The PNG preview of `segment --preview`: the CT in a lung window with the mask's contour, axial and coronal.</summary>
public static class SegmentationPreview
{
    public static void Write(string path, Volume<float> ct, Volume<byte> mask) =>
        PreviewFile.Save(PreviewRenderer.Single(ct, mask), path);
}
