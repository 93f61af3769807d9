namespace NativeSeg.IO.Dicom.Writing;

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
