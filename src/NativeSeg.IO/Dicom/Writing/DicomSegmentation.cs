using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Dicom.Writing;

/// <summary>One segment of a DICOM-SEG as read: its number, label and segmented property type.</summary>
public sealed record DicomSegmentInfo(int Number, string Label, DicomCode? Type);

/// <summary>One frame of a BINARY DICOM-SEG: its segment, where it lies (LPS mm) and the source instance it references.</summary>
public sealed record DicomSegmentationFrame(int SegmentNumber, IReadOnlyList<double> Position, string? ReferencedSopInstanceUid);

/// <summary>
/// A BINARY DICOM Segmentation read back (<see cref="DicomSegmentationReader"/>): segments, frames, and the packed
/// bits, which <see cref="ToLabelVolume"/> rasterises onto the source series' grid.
/// </summary>
public sealed class DicomSegmentation
{
    private readonly ReadOnlyMemory<byte> _bits;

    internal DicomSegmentation(string path, string sopInstanceUid, string seriesInstanceUid, string? referencedSeriesInstanceUid,
        IReadOnlyList<DicomSegmentInfo> segments, IReadOnlyList<DicomSegmentationFrame> frames, int rows, int columns,
        IReadOnlyList<double> orientation, ReadOnlyMemory<byte> bits)
    {
        Path = path;
        SopInstanceUid = sopInstanceUid;
        SeriesInstanceUid = seriesInstanceUid;
        ReferencedSeriesInstanceUid = referencedSeriesInstanceUid;
        Segments = segments;
        Frames = frames;
        Rows = rows;
        Columns = columns;
        Orientation = orientation;
        _bits = bits;
    }

    public string Path { get; }

    public string SopInstanceUid { get; }

    public string SeriesInstanceUid { get; }

    /// <summary>The source series (first item of ReferencedSeriesSequence), when given.</summary>
    public string? ReferencedSeriesInstanceUid { get; }

    public IReadOnlyList<DicomSegmentInfo> Segments { get; }

    public IReadOnlyList<DicomSegmentationFrame> Frames { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>ImageOrientationPatient of the frames (shared functional group).</summary>
    public IReadOnlyList<double> Orientation { get; }

    /// <summary>
    /// The segments on <paramref name="grid"/> (a series' grid, RAS): voxel value = segment number, 0 elsewhere (where
    /// segments overlap, the higher number wins). Every frame must lie on one of the grid's slices (within 0.01 mm and
    /// 0.001 in orientation), with the grid's size and orientation; otherwise <see cref="InvalidInputException"/>.
    /// </summary>
    public Volume<byte> ToLabelVolume(Grid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (Rows != grid.SizeY || Columns != grid.SizeX)
            throw new InvalidInputException(Path, $"the frames are {Columns}×{Rows}, the grid {grid.SizeX}×{grid.SizeY}");
        var lps = grid.Affine.ToLps();
        double[] origin = [lps[0, 3], lps[1, 3], lps[2, 3]];
        double[] rowAxis = Unit(lps, 0), columnAxis = Unit(lps, 1), sliceAxis = [lps[0, 2], lps[1, 2], lps[2, 2]];
        for (int i = 0; i < 3; i++)
            if (Math.Abs(Orientation[i] - rowAxis[i]) > 1e-3 || Math.Abs(Orientation[3 + i] - columnAxis[i]) > 1e-3)
                throw new InvalidInputException(Path, $"the frames' orientation [{string.Join(", ", Orientation)}] is not the grid's");
        double sliceStep = Dot(sliceAxis, sliceAxis);

        var volume = new Volume<byte>(grid);
        int plane = grid.SliceLength;
        var bits = _bits.Span;
        var order = Enumerable.Range(0, Frames.Count).OrderBy(f => Frames[f].SegmentNumber);
        foreach (int f in order)
        {
            var frame = Frames[f];
            double[] offset = [frame.Position[0] - origin[0], frame.Position[1] - origin[1], frame.Position[2] - origin[2]];
            double k = Dot(offset, sliceAxis) / sliceStep;
            int slice = (int)Math.Round(k);
            double[] residual = [offset[0] - slice * sliceAxis[0], offset[1] - slice * sliceAxis[1], offset[2] - slice * sliceAxis[2]];
            if (slice < 0 || slice >= grid.SizeZ || Math.Sqrt(Dot(residual, residual)) > 0.01)
                throw new InvalidInputException(Path, $"frame {f + 1} at ({string.Join(", ", frame.Position)}) lies on no slice of the grid");
            var target = volume.Slice(slice);
            long start = (long)f * plane;
            byte value = (byte)frame.SegmentNumber;
            for (int i = 0; i < plane; i++)
            {
                long bit = start + i;
                if ((bits[(int)(bit >> 3)] >> (int)(bit & 7) & 1) != 0) target[i] = value;
            }
        }
        return volume;
    }

    private static double[] Unit(Affine a, int column)
    {
        double x = a[0, column], y = a[1, column], z = a[2, column];
        double n = Math.Sqrt(x * x + y * y + z * z);
        return [x / n, y / n, z / n];
    }

    private static double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
