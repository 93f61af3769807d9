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
    double? SliceSpacingHint) // SpacingBetweenSlices or SliceThickness, for a single slice
{
    /// <summary>The planes in a parsed file: one for a classic image, one per frame for an enhanced one.</summary>
    public static IEnumerable<DicomSliceHeader> FromFile(DicomFile file)
    {
        var ds = file.Dataset;
        string series = ds.GetString(DicomTags.SeriesInstanceUid) ?? "";
        string modality = ds.GetString(DicomTags.Modality) ?? "";
        int rows = ds.GetRequiredUInt16(DicomTags.Rows), columns = ds.GetRequiredUInt16(DicomTags.Columns);
        double frameCount = ds.GetDecimal(DicomTags.NumberOfFrames, 1);
        double? tilt = ds.Contains(DicomTags.GantryDetectorTilt) ? ds.GetDecimal(DicomTags.GantryDetectorTilt, 0) : null;
        double spacingHint = ds.GetDecimal(DicomTags.SpacingBetweenSlices, ds.GetDecimal(DicomTags.SliceThickness, 0));
        double? hint = spacingHint > 0 ? spacingHint : null;

        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var shared = ds.GetSequence(DicomTags.SharedFunctionalGroupsSequence);
        if (perFrame.Count == 0)
        {
            if (frameCount != 1)
                throw new InvalidInputException(file.Path, $"a multi-frame image ({frameCount} frames) without per-frame functional groups has no geometry per frame");
            var (rowSpacing, columnSpacing) = ReadSpacing(ds, file.Path);
            yield return new DicomSliceHeader(file.Path, 0, series, modality, rows, columns,
                ReadVector(ds, DicomTags.ImagePositionPatient, 3, file.Path), ReadVector(ds, DicomTags.ImageOrientationPatient, 6, file.Path),
                rowSpacing, columnSpacing, DicomPixelDecoder.Rescale.Read(ds), tilt, hint);
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
            double thickness = measures.GetDecimal(DicomTags.SpacingBetweenSlices, measures.GetDecimal(DicomTags.SliceThickness, 0));
            yield return new DicomSliceHeader(file.Path, frame, series, modality, rows, columns,
                ReadVector(position, DicomTags.ImagePositionPatient, 3, file.Path), ReadVector(orientation, DicomTags.ImageOrientationPatient, 6, file.Path),
                rowSpacing, columnSpacing, DicomPixelDecoder.Rescale.Read(transformation ?? ds), tilt, thickness > 0 ? thickness : hint);
        }
    }

    /// <summary>The first item of a functional group macro, per-frame before shared.</summary>
    private static DicomDataset? FunctionalGroup(DicomDataset perFrame, DicomDataset? shared, DicomTag sequence)
    {
        var items = perFrame.GetSequence(sequence);
        if (items.Count == 0 && shared is not null) items = shared.GetSequence(sequence);
        return items.Count > 0 ? items[0] : null;
    }

    private static (double Row, double Column) ReadSpacing(DicomDataset ds, string path)
    {
        var spacing = ds.GetDecimals(DicomTags.PixelSpacing);
        if (spacing.Length != 2 || !(spacing[0] > 0) || !(spacing[1] > 0))
            throw new InvalidInputException(path, $"PixelSpacing must hold two positive values, found [{string.Join(", ", spacing)}]");
        return (spacing[0], spacing[1]);
    }

    private static double[] ReadVector(DicomDataset ds, DicomTag tag, int count, string path)
    {
        if (!ds.Contains(tag)) throw new InvalidInputException(path, $"required attribute {tag} is missing: the slice has no position or orientation");
        var values = ds.GetDecimals(tag);
        if (values.Length != count)
            throw new InvalidInputException(path, $"attribute {tag} has {values.Length} values, {count} expected");
        return values;
    }
}
