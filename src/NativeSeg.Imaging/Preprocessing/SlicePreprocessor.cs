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
    /// <param name="context">Neighbouring slices as further channels (<see cref="SliceContext"/>); none by default.</param>
    public static PreparedVolume Prepare(Volume<float> ct, string source = "CT volume", SliceContext context = default)
    {
        ArgumentNullException.ThrowIfNull(ct);
        if (context.Problem is string problem) throw new ArgumentException(problem, nameof(context));
        var orientation = SliceOrientation.FromGrid(ct.Grid, source);
        int slices = orientation.Slices, columns = orientation.Columns, rows = orientation.Rows, channels = context.Channels;
        int[] offsets = orientation.DisplayToSliceOffsets();
        double sliceSpacing = ct.Grid.Affine.Spacing(2);
        var input = new float[(long)slices * channels * Width * Height];
        var boxes = new CropBox[slices];

        Parallel.For(0, slices,
            // The second slice of a neighbour's blend: only with a slice context, so the default path allocates nothing more.
            () => (Display: new float[columns * rows], Second: channels > 1 ? new float[columns * rows] : [], Body: new BodyBox(columns, rows)),
            (n, _, scratch) =>
            {
                Display(ct, orientation, offsets, n, scratch.Display);
                var box = scratch.Body.Find(scratch.Display);
                boxes[n] = box;
                var sliceInput = input.AsSpan(n * channels * Width * Height, channels * Width * Height);
                ResizeToInput(scratch.Display, columns, box, sliceInput[..(Width * Height)]);
                for (int c = 1; c < channels; c++)
                {
                    var (first, second, weight) = context.Neighbour(n, c == 1 ? -1 : +1, slices, sliceSpacing);
                    Display(ct, orientation, offsets, first, scratch.Display);
                    if (weight > 0)
                    {
                        Display(ct, orientation, offsets, second, scratch.Second);
                        for (int p = 0; p < scratch.Display.Length; p++)
                            scratch.Display[p] += weight * (scratch.Second[p] - scratch.Display[p]);
                    }
                    ResizeToInput(scratch.Display, columns, box, sliceInput.Slice(c * Width * Height, Width * Height));
                }
                return scratch;
            },
            _ => { });

        return new PreparedVolume(ct.Grid, orientation, boxes, input, channels);
    }

    /// <summary>Network slice n in display order (HU).</summary>
    private static void Display(Volume<float> ct, SliceOrientation orientation, int[] offsets, int n, float[] display)
    {
        var slice = ct.Slice(orientation.VolumeSlice(n));
        for (int p = 0; p < offsets.Length; p++) display[p] = slice[offsets[p]];
    }

    /// <summary>Crop, resize (HU), then scale to intensities: one channel of the network input.</summary>
    private static void ResizeToInput(float[] display, int columns, CropBox box, Span<float> output)
    {
        BilinearResize.Resize(display, columns, box, output, Width, Height);
        for (int i = 0; i < output.Length; i++) output[i] = Intensity(output[i]);
    }
}
