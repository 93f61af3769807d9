namespace NativeSeg.IO.Dicom;

/// <summary>
/// What series assembly needs from one image plane: a classic single-frame slice, or one frame of an enhanced
/// multi-frame image whose geometry and rescale come from its functional groups (PS3.3 C.7.6.16).
/// </summary>
internal sealed record DicomSliceHeader(
    string Path,
    int Frame,
    string SeriesInstanceUid,
    string Modality,
    int Rows,
    int Columns,
    double[] Position,     // ImagePositionPatient, LPS mm
    double[] Orientation,  // ImageOrientationPatient: row cosine, then column cosine
    double RowSpacing,     // PixelSpacing[0]: between rows (vertical)
    double ColumnSpacing,  // PixelSpacing[1]: between columns (horizontal)
    DicomPixelDecoder.Rescale Rescale,
    double? GantryTilt,
    DicomSliceHeader.SpacingHint? SliceSpacingHint, // SpacingBetweenSlices or SliceThickness, for a single slice
    string SopClassUid = "",     // what a derived object (a DICOM-SEG) references
    string SopInstanceUid = "")
{
    /// <summary>A slice spacing a header states (checked only where it is used: a lone slice), with the field it came from.</summary>
    public readonly record struct SpacingHint(double Millimetres, string Field);

    /// <summary>The planes in a parsed file: one for a classic image, one per frame for an enhanced one.</summary>
    public static IEnumerable<DicomSliceHeader> FromFile(DicomFile file)
    {
        var ds = file.Dataset;
        string series = ds.GetString(DicomTags.SeriesInstanceUid) ?? "";
        string modality = ds.GetString(DicomTags.Modality) ?? "";
        int rows = ds.GetRequiredUInt16(DicomTags.Rows), columns = ds.GetRequiredUInt16(DicomTags.Columns);
        if (rows == 0 || columns == 0)
            throw new InvalidInputException(file.Path, $"{(rows == 0 ? "Rows" : "Columns")} = 0: the image has no pixels ({columns}×{rows})");
        double frameCount = ds.GetDecimal(DicomTags.NumberOfFrames, 1);
        double? tilt = ds.Contains(DicomTags.GantryDetectorTilt) ? ds.GetDecimal(DicomTags.GantryDetectorTilt, 0) : null;
        var hint = ReadSpacingHint(ds, null);
        string sopClass = ds.GetString(DicomTags.SopClassUid) ?? "", sopInstance = ds.GetString(DicomTags.SopInstanceUid) ?? "";

        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var shared = ds.GetSequence(DicomTags.SharedFunctionalGroupsSequence);
        if (perFrame.Count == 0)
        {
            if (frameCount != 1)
                throw new InvalidInputException(file.Path, $"a multi-frame image ({frameCount} frames) without per-frame functional groups has no geometry per frame");
            var (rowSpacing, columnSpacing) = ReadSpacing(ds, file.Path);
            yield return new DicomSliceHeader(file.Path, 0, series, modality, rows, columns,
                ReadVector(ds, DicomTags.ImagePositionPatient, 3, file.Path), ReadVector(ds, DicomTags.ImageOrientationPatient, 6, file.Path),
                rowSpacing, columnSpacing, DicomPixelDecoder.Rescale.Read(ds, file.Path), tilt, hint, sopClass, sopInstance);
            yield break;
        }

        if (perFrame.Count != frameCount)
            throw new InvalidInputException(file.Path, $"NumberOfFrames is {frameCount} but there are {perFrame.Count} per-frame functional groups");
        var sharedGroups = shared.Count > 0 ? shared[0] : null;
        for (int frame = 0; frame < perFrame.Count; frame++)
        {
            var groups = perFrame[frame];
            var position = FunctionalGroup(groups, sharedGroups, DicomTags.PlanePositionSequence)
                ?? throw new InvalidInputException(file.Path, $"frame {frame} has no PlanePositionSequence");
            var orientation = FunctionalGroup(groups, sharedGroups, DicomTags.PlaneOrientationSequence)
                ?? throw new InvalidInputException(file.Path, $"frame {frame} has no PlaneOrientationSequence");
            var measures = FunctionalGroup(groups, sharedGroups, DicomTags.PixelMeasuresSequence)
                ?? throw new InvalidInputException(file.Path, $"frame {frame} has no PixelMeasuresSequence");
            var transformation = FunctionalGroup(groups, sharedGroups, DicomTags.PixelValueTransformationSequence);
            var (rowSpacing, columnSpacing) = ReadSpacing(measures, file.Path);
            yield return new DicomSliceHeader(file.Path, frame, series, modality, rows, columns,
                ReadVector(position, DicomTags.ImagePositionPatient, 3, file.Path), ReadVector(orientation, DicomTags.ImageOrientationPatient, 6, file.Path),
                rowSpacing, columnSpacing, DicomPixelDecoder.Rescale.Read(transformation ?? ds, file.Path), tilt, ReadSpacingHint(measures, hint),
                sopClass, sopInstance);
        }
    }

    /// <summary>The first item of a functional group macro, per-frame before shared.</summary>
    private static DicomDataset? FunctionalGroup(DicomDataset perFrame, DicomDataset? shared, DicomTag sequence)
    {
        var items = perFrame.GetSequence(sequence);
        if (items.Count == 0 && shared is not null) items = shared.GetSequence(sequence);
        return items.Count > 0 ? items[0] : null;
    }

    /// <summary>SpacingBetweenSlices, else SliceThickness, else <paramref name="fallback"/>.</summary>
    private static SpacingHint? ReadSpacingHint(DicomDataset ds, SpacingHint? fallback)
    {
        if (ds.GetDecimals(DicomTags.SpacingBetweenSlices) is { Length: > 0 } between) return new SpacingHint(between[0], "SpacingBetweenSlices");
        if (ds.GetDecimals(DicomTags.SliceThickness) is { Length: > 0 } thickness) return new SpacingHint(thickness[0], "SliceThickness");
        return fallback;
    }

    private static (double Row, double Column) ReadSpacing(DicomDataset ds, string path)
    {
        var spacing = ds.GetDecimals(DicomTags.PixelSpacing);
        if (spacing.Length != 2)
            throw new InvalidInputException(path, $"PixelSpacing must hold two values, found {spacing.Length}");
        CtGeometryLimits.RequireInPlaneSpacing(spacing[0], path, "PixelSpacing[0]");
        CtGeometryLimits.RequireInPlaneSpacing(spacing[1], path, "PixelSpacing[1]");
        return (spacing[0], spacing[1]);
    }

    private static double[] ReadVector(DicomDataset ds, DicomTag tag, int count, string path)
    {
        if (!ds.Contains(tag)) throw new InvalidInputException(path, $"required attribute {tag} is missing: the slice has no position or orientation");
        var values = ds.GetDecimals(tag);
        string name = tag == DicomTags.ImagePositionPatient ? "ImagePositionPatient" : "ImageOrientationPatient";
        if (values.Length != count)
            throw new InvalidInputException(path, $"{name} {tag} has {values.Length} values, {count} expected");
        if (tag == DicomTags.ImagePositionPatient)
            for (int i = 0; i < count; i++) CtGeometryLimits.RequirePosition(values[i], path, $"ImagePositionPatient[{i}]");
        return values;
    }
}
