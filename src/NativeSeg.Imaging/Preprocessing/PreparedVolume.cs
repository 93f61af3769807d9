using System.Buffers;
using NativeSeg.Imaging.Geometry;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Preprocessing;

/// <summary>
/// The network input for a CT (N × C × 216 × 296, N = slices ordered inferior → superior, C = 1, or 3 with
/// <see cref="SliceContext"/>: the slice first, then its neighbours below and above) together with
/// what is needed to go back: the orientation and each slice's crop box. <see cref="PrepareLabels"/> applies
/// the same crop and resize to a mask; <see cref="MapBack"/> resamples network outputs onto the CT's grid.
/// </summary>
public sealed class PreparedVolume
{
    internal PreparedVolume(Grid grid, SliceOrientation orientation, CropBox[] boxes, float[] input, int inputChannels = 1)
    {
        if (input.Length != (long)boxes.Length * inputChannels * SliceValues)
            throw new ArgumentException($"{boxes.Length} slices of {inputChannels} channel(s) need {(long)boxes.Length * inputChannels * SliceValues} values, got {input.Length}.");
        Grid = grid;
        InputChannels = inputChannels;
        Orientation = orientation;
        Boxes = boxes;
        Input = input;
    }

    /// <summary>The CT's grid: MapBack returns volumes on it.</summary>
    public Grid Grid { get; }

    public SliceOrientation Orientation { get; }

    /// <summary>Per network slice, the crop box in display coordinates.</summary>
    public IReadOnlyList<CropBox> Boxes { get; }

    /// <summary>N × C × 216 × 296 intensities in [0, 1.3], row-major (columns fastest), slice-major.</summary>
    public float[] Input { get; }

    /// <summary>C: 1, or 3 when the neighbours are channels (<see cref="SliceContext"/>).</summary>
    public int InputChannels { get; }

    /// <summary>The network input of slices [first, first + count): count × C × 216 × 296 values.</summary>
    public ReadOnlySpan<float> InputOf(int first, int count) =>
        Input.AsSpan(first * InputChannels * SliceValues, count * InputChannels * SliceValues);

    /// <summary>Slice n's own intensities (channel 0), without its neighbours.</summary>
    public ReadOnlySpan<float> CentreOf(int n) => Input.AsSpan(n * InputChannels * SliceValues, SliceValues);

    public int Slices => Boxes.Count;

    public const int Width = SlicePreprocessor.Width;
    public const int Height = SlicePreprocessor.Height;
    public const int SliceValues = Width * Height;

    /// <summary>
    /// Training labels, N × 216 × 296 class indices (0 background, 1 lung; any non-zero mask label is lung):
    /// the binary mask is cropped with the CT's boxes, resized bilinearly as 0/1 floats, and thresholded at
    /// 0.5, so a label follows the same geometry as the intensities without nearest-neighbour jaggedness.
    /// </summary>
    public float[] PrepareLabels(Volume<byte> mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!mask.Grid.SameGeometry(Grid, 1e-3))
            throw new ArgumentException($"mask grid {mask.Grid} differs from the CT grid {Grid}.");
        int columns = Orientation.Columns, rows = Orientation.Rows;
        int[] offsets = Orientation.DisplayToSliceOffsets();
        var labels = new float[(long)Slices * SliceValues];
        Parallel.For(0, Slices, () => new float[columns * rows], (n, _, display) =>
        {
            var slice = mask.Slice(Orientation.VolumeSlice(n));
            for (int p = 0; p < offsets.Length; p++) display[p] = slice[offsets[p]] != 0 ? 1f : 0f;
            var output = labels.AsSpan(n * SliceValues, SliceValues);
            BilinearResize.Resize(display, columns, Boxes[n], output, Width, Height);
            for (int i = 0; i < output.Length; i++) output[i] = output[i] >= 0.5f ? 1f : 0f;
            return display;
        }, _ => { });
        return labels;
    }

    /// <summary>
    /// Resamples N × 216 × 296 network maps (lung probabilities, for instance) back onto the CT grid:
    /// bilinear (align_corners=False) from the network grid onto each box's pixels, zero outside the box.
    /// </summary>
    public Volume<float> MapBack(float[] maps)
    {
        var result = new Volume<float>(Grid);
        MapBackRows(maps, 0, Slices, (n, first, columnStep, row) =>
        {
            var slice = result.Slice(Orientation.VolumeSlice(n));
            if (columnStep == 1) row.CopyTo(slice.Slice(first, row.Length));
            else for (int c = 0; c < row.Length; c++) slice[first + c * columnStep] = row[c];
        });
        return result;
    }

    /// <summary>
    /// <see cref="MapBack"/> followed by p ≥ <paramref name="threshold"/> → 1, without the float volume: the same
    /// resampled values compared as they are made, so the mask is the one thresholding MapBack's output gives, at a
    /// quarter of the memory (a fresh 120 MB float volume costs a third of a second in page faults on a VM).
    /// </summary>
    public Volume<byte> MapBackThresholded(float[] maps, float threshold)
    {
        var result = new Volume<byte>(Grid);
        MapBackThresholded(maps, threshold, 0, Slices, result);
        return result;
    }

    /// <summary>
    /// <see cref="MapBackThresholded(float[], float)"/> for network slices [firstSlice, firstSlice + count) only, into
    /// <paramref name="mask"/> (on <see cref="Grid"/>), whose other slices are left as they are.
    /// </summary>
    public void MapBackThresholded(float[] maps, float threshold, int firstSlice, int count, Volume<byte> mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!mask.Grid.SameGeometry(Grid, 1e-6))
            throw new ArgumentException($"mask grid {mask.Grid} differs from the CT grid {Grid}.");
        MapBackRows(maps, firstSlice, count, (n, first, columnStep, row) =>
        {
            var slice = mask.Slice(Orientation.VolumeSlice(n));
            for (int c = 0; c < row.Length; c++)
                if (row[c] >= threshold) slice[first + c * columnStep] = 1;
        });
    }

    /// <summary>The CT-grid slice (a span of <paramref name="volume"/>) that network slice n maps back onto.</summary>
    public Span<T> VolumeSliceOf<T>(Volume<T> volume, int n) where T : unmanaged => volume.Slice(Orientation.VolumeSlice(n));

    /// <summary>Receives one resampled box row of slice n: its first voxel's offset in the slice and the step between columns.</summary>
    private delegate void BoxRowWriter(int n, int first, int columnStep, ReadOnlySpan<float> row);

    private void MapBackRows(float[] maps, int firstSlice, int count, BoxRowWriter write)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Length != (long)Slices * SliceValues)
            throw new ArgumentException($"expected {Slices}×{Height}×{Width} = {(long)Slices * SliceValues} values, got {maps.Length}.");
        if (firstSlice < 0 || count < 0 || firstSlice + count > Slices)
            throw new ArgumentOutOfRangeException(nameof(firstSlice), $"slices [{firstSlice}, {firstSlice + count}) are not within the {Slices} slices.");
        int columns = Orientation.Columns;
        int[] offsets = Orientation.DisplayToSliceOffsets();
        // Display (column, row) → slice offset is affine: offset(c, r) = offset(0, 0) + c·columnStep + r·rowStep, with
        // steps ±1 or ±SizeX. In the common orientation a box row is one contiguous run of the slice (columnStep 1)
        // and goes over as a block copy instead of one indexed store per pixel.
        int columnStep = columns > 1 ? offsets[1] - offsets[0] : 1;
        Parallel.For(firstSlice, firstSlice + count, n =>
        {
            var box = Boxes[n];
            // Pooled: a fresh box buffer (up to a megabyte) per slice is a fresh page fault per 4 KB of it on a VM.
            var rented = ArrayPool<float>.Shared.Rent(box.Width * box.Height);
            var boxPixels = rented.AsSpan(0, box.Width * box.Height);
            BilinearResize.Resize(maps.AsSpan(n * SliceValues, SliceValues), Width, new CropBox(0, 0, Width, Height, true), boxPixels, box.Width, box.Height);
            for (int r = 0; r < box.Height; r++)
                write(n, offsets[box.Left + columns * (box.Top + r)], columnStep, boxPixels.Slice(box.Width * r, box.Width));
            ArrayPool<float>.Shared.Return(rented);
        });
    }
}
