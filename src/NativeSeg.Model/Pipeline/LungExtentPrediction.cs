using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Inference;

namespace NativeSeg.Model.Pipeline;

/// <summary>
/// The network over the slices that can change the post-processed mask, not over every slice: it starts in the middle
/// of the volume and works outward, mapping each slice's thresholded map back onto the CT grid as it goes, and stops
/// at an end at the first slice none of whose voxels touches (26-connected) a voxel of the slice before it, when that
/// slice before holds little (under <see cref="MinimumLungSquareMillimetres"/>).
/// <para>Why the mask stays the same: 26-connectivity links only neighbouring slices, so once a slice touches nothing
/// of the one before, everything beyond it is a separate 3D component from every component seen so far.
/// Post-processing keeps a component only if it has at least a tenth of the largest one's voxels
/// (<see cref="NativeSeg.Imaging.Postprocessing.LungPostprocessingOptions.KeepFraction"/>); a separate blob of that
/// size beyond the end of the lungs would itself be a gross error, and the stop waits until the slices seen hold lung
/// of at least <see cref="MinimumLungSquareMillimetres"/> in one slice, so a volume whose middle slice misses the
/// lungs runs on until it finds them, and a slice that holds that much cannot be the one before a stop, so one slice the
/// network got wrong inside a lung does not cut the lung there. The body mask, which post-processing would apply
/// anyway, is applied to each slice before the test. Checked on every real CT in the project's data: identical masks.</para>
/// <para>Slices not run get probability 0; the caller uses this only where no probability map is returned.</para>
/// </summary>
internal static class LungExtentPrediction
{
    /// <summary>Thresholded area one slice must reach before an end may stop: 10 cm², a small fraction of a lung's
    /// cross-section in the middle of the chest (100–300 cm²).</summary>
    public const double MinimumLungSquareMillimetres = 1000;

    /// <summary>
    /// The thresholded mask on the grid of <paramref name="ct"/> (the volume <paramref name="prepared"/> was made from),
    /// zero outside the body (<see cref="BodyMask"/>, applied slice by slice as they come, so the contact test sees
    /// what post-processing will see: air outside the body that the network calls lung would link every slice) and
    /// on the slices not run, and how many slices ran.
    /// </summary>
    public static (Volume<byte> Mask, int SlicesRun) Run(Segmenter segmenter, Volume<float> ct, PreparedVolume prepared, float threshold,
        int batchSize, Action<int, int>? progress, CancellationToken cancellation)
    {
        int slices = prepared.Slices, plane = PreparedVolume.SliceValues;
        var mask = new Volume<byte>(prepared.Grid);
        var maps = new float[(long)slices * plane];
        var grid = prepared.Grid;
        long minimumVoxels = (long)Math.Ceiling(MinimumLungSquareMillimetres / (grid.Affine.Spacing(0) * grid.Affine.Spacing(1)));
        var body = new BodyMask.SliceZeroer(ct);
        bool lungSeen = false;
        int run = 0;
        int middle = slices / 2;

        // Upward from the middle, then downward from just below it (its first neighbour is the middle slice).
        foreach (int direction in (ReadOnlySpan<int>)[+1, -1])
        {
            int next = direction > 0 ? middle : middle - 1;
            bool stopped = false;
            while (!stopped && next >= 0 && next < slices)
            {
                int count = direction > 0 ? Math.Min(batchSize, slices - next) : Math.Min(batchSize, next + 1);
                int first = direction > 0 ? next : next - count + 1;
                segmenter.PredictProbabilities(prepared.InputOf(first, count), count,
                    PreparedVolume.Height, PreparedVolume.Width, maps.AsSpan(first * plane, count * plane), batchSize, null, cancellation);
                prepared.MapBackThresholded(maps, threshold, first, count, mask);
                for (int n = first; n < first + count; n++)
                    body.ZeroOutside(mask, prepared.Orientation.VolumeSlice(n));
                run += count;
                progress?.Invoke(run, slices);
                for (int k = 0; k < count; k++, next += direction)
                {
                    var slice = prepared.VolumeSliceOf(mask, next);
                    bool hasNeighbour = direction < 0 || next != middle;
                    var neighbour = hasNeighbour ? prepared.VolumeSliceOf(mask, next - direction) : default;
                    // The neighbour must be small too: a lung does not end at a slice of 10 cm² or more, so a slice the
                    // network got wrong in the middle of a lung cannot end the search there.
                    if (lungSeen && hasNeighbour && Count(neighbour) < minimumVoxels && !Touches(slice, neighbour, grid.SizeX, grid.SizeY))
                    {
                        // Everything from here outward is cut off from the lungs: forget what this batch ran beyond.
                        for (int beyond = next + direction; beyond != first - 1 && beyond != first + count; beyond += direction)
                            prepared.VolumeSliceOf(mask, beyond).Clear();
                        stopped = true;
                        break;
                    }
                    lungSeen |= Count(slice) >= minimumVoxels;
                }
            }
        }
        progress?.Invoke(slices, slices);
        return (mask, run);
    }

    /// <summary>Whether any voxel of <paramref name="slice"/> has a voxel of <paramref name="neighbour"/> among the 3×3
    /// voxels around its own position (the in-plane part of 26-connectivity between neighbouring slices).</summary>
    internal static bool Touches(ReadOnlySpan<byte> slice, ReadOnlySpan<byte> neighbour, int columns, int rows)
    {
        for (int y = 0; y < rows; y++)
        {
            var row = slice.Slice(y * columns, columns);
            int x = row.IndexOfAnyExcept((byte)0);
            while (x >= 0)
            {
                for (int dy = Math.Max(y - 1, 0); dy <= Math.Min(y + 1, rows - 1); dy++)
                {
                    int from = Math.Max(x - 1, 0), to = Math.Min(x + 1, columns - 1);
                    if (neighbour.Slice(dy * columns + from, to - from + 1).IndexOfAnyExcept((byte)0) >= 0) return true;
                }
                int after = row[(x + 1)..].IndexOfAnyExcept((byte)0);
                x = after < 0 ? -1 : x + 1 + after;
            }
        }
        return false;
    }

    private static long Count(ReadOnlySpan<byte> slice) => slice.Length - slice.Count((byte)0);
}
