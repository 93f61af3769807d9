using NativeSeg.Imaging.Geometry;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Preprocessing;

/// <summary>
/// Turns a CT in HU into the network's input, slice by slice: reorient to the canonical display
/// (<see cref="SliceOrientation"/>), find the body box (<see cref="BodyBox"/>), crop, resize the HU values
/// bilinearly to 296 columns × 216 rows (<see cref="BilinearResize"/>, align_corners=False), then scale
/// intensity = clip((HU + 1000) / 1000, 0, 1.3). Resizing comes before the clip, as the paper orders
/// "crop, resize, scale".
/// </summary>
public static class SlicePreprocessor
{
    public const int Width = 296;
    public const int Height = 216;
    public const float MaximumIntensity = 1.3f;

    /// <summary>clip((HU + 1000) / 1000, 0, 1.3); NaN becomes 0 (air) so one bad voxel cannot poison a whole slice.</summary>
    public static float Intensity(float hu) => float.IsNaN(hu) ? 0f : Math.Clamp((hu + 1000f) / 1000f, 0f, MaximumIntensity);

    /// <param name="ct">CT in Hounsfield units.</param>
    /// <param name="source">Names the input in error messages (a path, for instance).</param>
    public static PreparedVolume Prepare(Volume<float> ct, string source = "CT volume")
    {
        ArgumentNullException.ThrowIfNull(ct);
        var orientation = SliceOrientation.FromGrid(ct.Grid, source);
        int slices = orientation.Slices, columns = orientation.Columns, rows = orientation.Rows;
        int[] offsets = orientation.DisplayToSliceOffsets();
        var input = new float[(long)slices * Width * Height];
        var boxes = new CropBox[slices];

        Parallel.For(0, slices,
            () => (Display: new float[columns * rows], Body: new BodyBox(columns, rows)),
            (n, _, scratch) =>
            {
                var slice = ct.Slice(orientation.VolumeSlice(n));
                for (int p = 0; p < offsets.Length; p++) scratch.Display[p] = slice[offsets[p]];
                var box = scratch.Body.Find(scratch.Display);
                boxes[n] = box;
                var output = input.AsSpan(n * Width * Height, Width * Height);
                BilinearResize.Resize(scratch.Display, columns, box, output, Width, Height);
                for (int i = 0; i < output.Length; i++) output[i] = Intensity(output[i]);
                return scratch;
            },
            _ => { });

        return new PreparedVolume(ct.Grid, orientation, boxes, input);
    }
}
