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

/// <summary>
/// Reads a BINARY DICOM Segmentation (as <see cref="DicomSegmentationWriter"/> writes, or any other writer's with
/// per-frame plane positions and uncompressed pixel data). Every count is checked against the file before use, so a
/// corrupt file is an <see cref="InvalidInputException"/> naming it.
/// </summary>
public static class DicomSegmentationReader
{
    public static DicomSegmentation Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = DicomFile.Open(path);
        var ds = file.Dataset;
        string sopClass = ds.GetString(DicomTags.SopClassUid) ?? "";
        if (sopClass != DicomSegmentationWriter.SopClassUid)
            throw new InvalidInputException(path, $"SOPClassUID '{InputText.Printable(sopClass)}' is not Segmentation Storage ({DicomSegmentationWriter.SopClassUid})");
        string type = ds.GetString(SegTags.SegmentationType) ?? "";
        if (type != "BINARY")
            throw new InvalidInputException(path, $"SegmentationType '{InputText.Printable(type)}' is not BINARY");
        if (ds.GetRequiredUInt16(DicomTags.BitsAllocated) != 1)
            throw new InvalidInputException(path, "a BINARY segmentation needs BitsAllocated 1");
        int rows = ds.GetRequiredUInt16(DicomTags.Rows), columns = ds.GetRequiredUInt16(DicomTags.Columns);

        var segments = ds.GetSequence(SegTags.SegmentSequence).Select(item =>
        {
            int number = item.GetRequiredUInt16(SegTags.SegmentNumber);
            var code = item.GetSequence(SegTags.SegmentedPropertyTypeCodeSequence).FirstOrDefault();
            var type = code is null ? null : new DicomCode(code.GetString(SegTags.CodeValue) ?? "", code.GetString(SegTags.CodingSchemeDesignator) ?? "", code.GetString(SegTags.CodeMeaning) ?? "");
            return new DicomSegmentInfo(number, item.GetString(SegTags.SegmentLabel) ?? "", type);
        }).ToList();
        if (segments.Count == 0) throw new InvalidInputException(path, "the SegmentSequence is empty");
        if (segments.Any(s => s.Number is < 1 or > 255))
            throw new InvalidInputException(path, "segment numbers must be 1–255 to map onto a label volume");

        var shared = ds.GetSequence(DicomTags.SharedFunctionalGroupsSequence).FirstOrDefault();
        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        double frameCount = ds.GetDecimal(DicomTags.NumberOfFrames, 1);
        if (perFrame.Count != frameCount)
            throw new InvalidInputException(path, $"NumberOfFrames is {frameCount} but there are {perFrame.Count} per-frame functional groups");

        double[]? orientation = null;
        var frames = new List<DicomSegmentationFrame>(perFrame.Count);
        for (int f = 0; f < perFrame.Count; f++)
        {
            var groups = perFrame[f];
            var position = Group(groups, shared, DicomTags.PlanePositionSequence)?.GetDecimals(DicomTags.ImagePositionPatient);
            if (position is not { Length: 3 }) throw new InvalidInputException(path, $"frame {f + 1} has no ImagePositionPatient");
            var frameOrientation = Group(groups, shared, DicomTags.PlaneOrientationSequence)?.GetDecimals(DicomTags.ImageOrientationPatient);
            if (frameOrientation is not { Length: 6 }) throw new InvalidInputException(path, $"frame {f + 1} has no ImageOrientationPatient");
            orientation ??= frameOrientation;
            if (!frameOrientation.SequenceEqual(orientation)) throw new InvalidInputException(path, $"frame {f + 1} has another orientation than frame 1");
            var identification = Group(groups, shared, SegTags.SegmentIdentificationSequence)
                ?? throw new InvalidInputException(path, $"frame {f + 1} has no SegmentIdentificationSequence");
            int segment = identification.GetRequiredUInt16(SegTags.ReferencedSegmentNumber);
            if (segments.All(s => s.Number != segment)) throw new InvalidInputException(path, $"frame {f + 1} refers to segment {segment}, which is not described");
            string? referenced = Group(groups, shared, SegTags.DerivationImageSequence)?.GetSequence(SegTags.SourceImageSequence)
                .FirstOrDefault()?.GetString(SegTags.ReferencedSopInstanceUid);
            frames.Add(new DicomSegmentationFrame(segment, position, referenced));
        }

        var pixelData = ds.Find(DicomTags.PixelData) ?? throw new InvalidInputException(path, "the file has no PixelData");
        if (pixelData.Fragments is not null) throw new InvalidInputException(path, "compressed (encapsulated) segmentation frames are not supported");
        long needed = ((long)rows * columns * frames.Count + 7) / 8;
        if (pixelData.Value.Length < needed)
            throw new InvalidInputException(path, $"PixelData holds {pixelData.Value.Length} bytes, {frames.Count} frames of {columns}×{rows} bits need {needed}");

        string? referencedSeries = ds.GetSequence(SegTags.ReferencedSeriesSequence).FirstOrDefault()?.GetString(DicomTags.SeriesInstanceUid);
        return new DicomSegmentation(path, ds.GetString(DicomTags.SopInstanceUid) ?? "", ds.GetString(DicomTags.SeriesInstanceUid) ?? "",
            referencedSeries, segments, frames, rows, columns, orientation ?? [1, 0, 0, 0, 1, 0], pixelData.Value);
    }

    private static DicomDataset? Group(DicomDataset perFrame, DicomDataset? shared, DicomTag sequence)
    {
        var items = perFrame.GetSequence(sequence);
        if (items.Count == 0 && shared is not null) items = shared.GetSequence(sequence);
        return items.Count > 0 ? items[0] : null;
    }
}
