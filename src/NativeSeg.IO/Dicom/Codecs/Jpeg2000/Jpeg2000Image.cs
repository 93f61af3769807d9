namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>A decoded JPEG 2000 image: per component, its samples row by row on the component's own grid.</summary>
internal sealed record Jpeg2000Image(int Width, int Height, ComponentInfo[] Components, int[][] Planes)
{
    /// <summary>The size of component <paramref name="c"/> (the image size divided by its subsampling, rounded as T.800 B-1 does).</summary>
    public static (int Width, int Height) ComponentSize(ImageGeometry g, int c)
    {
        var info = g.Components[c];
        return (TileComponent.CeilShiftDiv(g.Width, info.SubsamplingX) - TileComponent.CeilShiftDiv(g.OffsetX, info.SubsamplingX),
            TileComponent.CeilShiftDiv(g.Height, info.SubsamplingY) - TileComponent.CeilShiftDiv(g.OffsetY, info.SubsamplingY));
    }
}
