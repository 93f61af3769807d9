using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Dicom;

/// <summary>
/// One image plane of a source series as a derived object references it: the instance, the frame within it (1-based,
/// only for planes of a multi-frame image), and its ImagePositionPatient (LPS mm) as read.
/// </summary>
public sealed record DicomSourceImage(string Path, string SopClassUid, string SopInstanceUid, int? FrameNumber, IReadOnlyList<double> Position);

/// <summary>
/// What a DICOM object derived from a series (a DICOM-SEG) needs from it: the planes in the volume's z order (plane k
/// is slice k of <see cref="Grid"/>), the plane geometry as the headers state it, and the header of the first plane's
/// file, whose patient, study and frame-of-reference attributes the derived object copies.
/// </summary>
public sealed class DicomSeriesSource
{
    public DicomSeriesSource(string seriesInstanceUid, Grid grid, IReadOnlyList<DicomSourceImage> images,
        IReadOnlyList<double> orientation, double rowSpacing, double columnSpacing, DicomDataset header)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(orientation);
        ArgumentNullException.ThrowIfNull(header);
        if (images.Count != grid.SizeZ)
            throw new ArgumentException($"{images.Count} source images for a grid of {grid.SizeZ} slices.", nameof(images));
        if (orientation.Count != 6)
            throw new ArgumentException($"ImageOrientationPatient needs 6 values, got {orientation.Count}.", nameof(orientation));
        SeriesInstanceUid = seriesInstanceUid ?? "";
        Grid = grid;
        Images = images;
        Orientation = orientation;
        RowSpacing = rowSpacing;
        ColumnSpacing = columnSpacing;
        Header = header;
    }

    public string SeriesInstanceUid { get; }

    /// <summary>The volume's grid (RAS affine, x = column, y = row, z = plane order).</summary>
    public Grid Grid { get; }

    /// <summary>One entry per slice of <see cref="Grid"/>, in z order.</summary>
    public IReadOnlyList<DicomSourceImage> Images { get; }

    /// <summary>ImageOrientationPatient: row cosine, then column cosine.</summary>
    public IReadOnlyList<double> Orientation { get; }

    /// <summary>PixelSpacing[0], the distance between rows (mm).</summary>
    public double RowSpacing { get; }

    /// <summary>PixelSpacing[1], the distance between columns (mm).</summary>
    public double ColumnSpacing { get; }

    /// <summary>The header (no pixel data) of the file holding the first plane.</summary>
    public DicomDataset Header { get; }

    /// <summary>Distance between slice centres along the slice normal (mm), from the grid.</summary>
    public double SliceSpacing => Grid.Affine.Spacing(2);
}

/// <summary>A series read as a volume in HU, with what is needed to write objects that reference it.</summary>
public sealed record DicomSeries(Volume<float> Volume, DicomSeriesSource Source);
