using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Dicom;

/// <summary>
/// Reads a CT series from a folder (searched recursively, any file names) or a single file into a volume in
/// Hounsfield units. Voxel order: x = column (fastest), y = row, z = slice sorted along the slice normal.
/// </summary>
public static class DicomSeriesReader
{
    /// <summary>
    /// Reads one series as HU. From a folder, <paramref name="seriesInstanceUid"/> picks the series; without it the
    /// CT series with the most images is read. A single file gives its own series' planes within that file
    /// (one slice, or every frame of an enhanced multi-frame CT). Non-CT modalities are refused unless
    /// <paramref name="allowNonCt"/> is set.
    /// </summary>
    public static Volume<float> ReadVolume(string fileOrFolder, string? seriesInstanceUid = null, bool allowNonCt = false) =>
        ReadSeries(fileOrFolder, seriesInstanceUid, allowNonCt).Volume;

    /// <summary>
    /// As <see cref="ReadVolume"/>, with the source planes in z order and the header a derived object (a DICOM-SEG)
    /// needs to reference them (<see cref="DicomSeriesSource"/>).
    /// </summary>
    public static DicomSeries ReadSeries(string fileOrFolder, string? seriesInstanceUid = null, bool allowNonCt = false)
    {
        ArgumentNullException.ThrowIfNull(fileOrFolder);
        List<DicomSliceHeader> planes;
        if (File.Exists(fileOrFolder))
        {
            planes = [.. DicomSliceHeader.FromFile(DicomFile.Open(fileOrFolder, headerOnly: true))];
            if (seriesInstanceUid is not null && planes[0].SeriesInstanceUid != seriesInstanceUid)
                throw new InvalidInputException(fileOrFolder, $"the file belongs to series {planes[0].SeriesInstanceUid}, not {seriesInstanceUid}");
        }
        else if (Directory.Exists(fileOrFolder))
        {
            var (series, scan) = ScanPlanes(fileOrFolder, skipUnreadable: false);
            planes = ChooseSeries(fileOrFolder, series, scan, seriesInstanceUid);
        }
        else
        {
            throw new InvalidInputException(fileOrFolder, "no such file or folder");
        }
        return Read(planes, fileOrFolder, allowNonCt);
    }

    /// <summary>
    /// Reads a series that <see cref="Scan(string, bool)"/> found, from its own files only (a batch over a large folder
    /// scans it once). <paramref name="source"/> names the series in error messages.
    /// </summary>
    public static DicomSeries ReadSeries(DicomSeriesInfo series, string source, bool allowNonCt = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        var files = series.Files.ToArray();
        var results = new DicomSliceHeader[files.Length][];
        RunParallel(files.Length, i => results[i] = [.. DicomSliceHeader.FromFile(DicomFile.Open(files[i], headerOnly: true))]);
        var planes = results.SelectMany(p => p).Where(p => p.SeriesInstanceUid == series.SeriesInstanceUid).ToList();
        if (planes.Count == 0)
            throw new InvalidInputException(source, $"series {series.SeriesInstanceUid} has no images left in its files");
        return Read(planes, source, allowNonCt);
    }

    private static DicomSeries Read(List<DicomSliceHeader> planes, string source, bool allowNonCt)
    {
        var modality = planes[0].Modality;
        if (!allowNonCt && modality != "CT")
            throw new InvalidInputException(source,
                $"the series {planes[0].SeriesInstanceUid} has modality '{(modality.Length == 0 ? "(none)" : InputText.Printable(modality))}', not CT; pass allowNonCt to read it anyway");

        CheckVolumeSize(planes, source);
        var (sorted, grid) = DicomSeriesGeometry.Assemble(planes, source);
        CtGeometryLimits.RequirePlausible(grid, source);
        var volume = new Volume<float>(grid, DecodeSlices(sorted, grid));
        return new DicomSeries(volume, DescribeSource(sorted, grid));
    }

    private static DicomSeriesSource DescribeSource(DicomSliceHeader[] sorted, Grid grid)
    {
        var framesPerFile = sorted.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Count());
        var images = sorted.Select(p => new DicomSourceImage(p.Path, p.SopClassUid, p.SopInstanceUid,
            framesPerFile[p.Path] > 1 ? p.Frame + 1 : null, p.Position)).ToArray();
        var first = sorted[0];
        var header = DicomFile.Open(first.Path, headerOnly: true).Dataset;
        return new DicomSeriesSource(first.SeriesInstanceUid, grid, images, first.Orientation, first.RowSpacing, first.ColumnSpacing, header);
    }

    /// <summary>
    /// Refuses a volume the files cannot hold before it is allocated: every voxel takes at least 1/64 byte of pixel
    /// data (RLE's best case; native data takes 1–2 bytes, JPEG Lossless at least 1 bit), so a header that promises
    /// more voxels than that is corrupt. Each file's pixel data is checked exactly when it is decoded.
    /// </summary>
    private static void CheckVolumeSize(List<DicomSliceHeader> planes, string source)
    {
        long voxels = (long)planes[0].Rows * planes[0].Columns * planes.Count;
        long bytes = 0;
        foreach (var path in planes.Select(p => p.Path).Distinct())
            bytes += new FileInfo(path).Length;
        if (voxels > int.MaxValue || voxels > 64 * bytes)
            throw new InvalidInputException(source,
                $"the headers describe {planes.Count} image(s) of {planes[0].Columns}×{planes[0].Rows} pixels, more than the {bytes} bytes of the files can hold");
    }

    /// <summary>The image series in a folder (recursive), largest first.</summary>
    public static IReadOnlyList<DicomSeriesInfo> ListSeries(string folder) => Scan(folder).Series;

    /// <summary>The image series in a folder (recursive), largest first, and how many files were passed over.</summary>
    public static DicomFolderScan Scan(string folder) => ScanPlanes(folder, skipUnreadable: false).Scan;

    /// <summary>
    /// As <see cref="Scan(string)"/>; with <paramref name="skipUnreadable"/> a file whose header cannot be read is
    /// listed in <see cref="DicomFolderScan.UnreadableFiles"/> instead of failing the scan (a batch goes on).
    /// </summary>
    public static DicomFolderScan Scan(string folder, bool skipUnreadable) => ScanPlanes(folder, skipUnreadable).Scan;

    private static (Dictionary<string, List<DicomSliceHeader>> Planes, DicomFolderScan Scan) ScanPlanes(string folder, bool skipUnreadable)
    {
        if (!Directory.Exists(folder)) throw new InvalidInputException(folder, "no such folder");
        string[] files;
        try
        {
            files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(folder, $"cannot list the folder: {e.Message}", e);
        }
        Array.Sort(files, StringComparer.Ordinal);

        var results = new DicomSliceHeader[]?[files.Length];
        var isDicom = new bool[files.Length];
        var unreadable = new InvalidInputException?[files.Length];
        RunParallel(files.Length, i =>
        {
            if (!DicomFile.LooksLikeDicom(files[i])) return;
            isDicom[i] = true;
            try
            {
                var file = DicomFile.Open(files[i], headerOnly: true);
                var ds = file.Dataset;
                // DICOMDIR, structured reports, presentation states and the like have no image: pass over them.
                // Images without a SeriesInstanceUID (over-eager anonymisers remove it) group together under "".
                if (!ds.Contains(DicomTags.Rows)) return;
                results[i] = [.. DicomSliceHeader.FromFile(file)];
            }
            catch (InvalidInputException e) when (skipUnreadable)
            {
                unreadable[i] = e;
            }
        });

        var bySeries = new Dictionary<string, List<DicomSliceHeader>>(StringComparer.Ordinal);
        int nonDicom = 0, nonImage = 0;
        for (int i = 0; i < files.Length; i++)
        {
            if (!isDicom[i]) { nonDicom++; continue; }
            if (unreadable[i] is not null) continue;
            if (results[i] is not { } planes) { nonImage++; continue; }
            foreach (var plane in planes)
            {
                if (!bySeries.TryGetValue(plane.SeriesInstanceUid, out var list)) bySeries[plane.SeriesInstanceUid] = list = [];
                list.Add(plane);
            }
        }

        var infos = bySeries.Values
            .Select(list => Describe(list))
            .OrderByDescending(s => s.ImageCount).ThenBy(s => s.SeriesInstanceUid, StringComparer.Ordinal)
            .ToList();
        return (bySeries, new DicomFolderScan(infos, nonDicom, nonImage) { UnreadableFiles = [.. unreadable.OfType<InvalidInputException>()] });
    }

    private static DicomSeriesInfo Describe(List<DicomSliceHeader> planes)
    {
        var first = planes[0];
        var files = planes.Select(p => p.Path).Distinct().ToList();
        DicomDataset? ds = null;
        try { ds = DicomFile.Open(first.Path, headerOnly: true).Dataset; } catch (InvalidInputException) { }
        int? number = ds?.GetDecimals(DicomTags.SeriesNumber) is { Length: > 0 } n ? (int)n[0] : null;
        return new DicomSeriesInfo(first.SeriesInstanceUid, first.Modality, ds?.GetString(DicomTags.SeriesDescription), number,
            planes.Count, first.Rows, first.Columns, files)
        {
            PatientId = ds?.GetString(DicomTags.PatientId),
            StudyInstanceUid = ds?.GetString(DicomTags.StudyInstanceUid),
        };
    }

    private static List<DicomSliceHeader> ChooseSeries(string folder, Dictionary<string, List<DicomSliceHeader>> series, DicomFolderScan scan, string? uid)
    {
        string Found() => scan.Series.Count == 0
            ? $"no DICOM image series found ({scan.NonDicomFileCount} non-DICOM file(s), {scan.NonImageDicomFileCount} DICOM file(s) without an image)"
            : "series found: " + string.Join("; ", scan.Series);
        if (uid is not null)
            return series.TryGetValue(uid, out var named) ? named : throw new InvalidInputException(folder, $"series {uid} is not in the folder; {Found()}");
        var ct = scan.Series.FirstOrDefault(s => s.Modality == "CT");
        if (ct is not null) return series[ct.SeriesInstanceUid];
        if (scan.Series.Count == 0) throw new InvalidInputException(folder, Found());
        return series[scan.Series[0].SeriesInstanceUid]; // no CT: the largest series, refused later unless allowed
    }

    private static float[] DecodeSlices(DicomSliceHeader[] sorted, Grid grid)
    {
        var voxels = new float[grid.VoxelCount];
        int sliceLength = grid.SliceLength;
        // Group planes by file so each enhanced multi-frame file is read once.
        var byFile = sorted.Select((plane, z) => (plane, z)).GroupBy(p => p.plane.Path).Select(g => g.ToArray()).ToArray();
        RunParallel(byFile.Length, i =>
        {
            var entries = byFile[i];
            var file = DicomFile.Open(entries[0].plane.Path);
            var format = DicomPixelFormat.Read(file);
            if (format.Rows != grid.SizeY || format.Columns != grid.SizeX)
                throw new InvalidInputException(file.Path, $"the image is {format.Columns}×{format.Rows}, the series {grid.SizeX}×{grid.SizeY}");
            DicomPixelDecoder.CheckedPixelCount(file, format);
            var scratch = System.Buffers.ArrayPool<int>.Shared.Rent(sliceLength); // stored values, reused across slices
            try
            {
                foreach (var (plane, z) in entries)
                    DicomPixelDecoder.DecodeHounsfield(file, format, plane.Frame, plane.Rescale, voxels.AsSpan(z * sliceLength, sliceLength), scratch);
            }
            finally
            {
                System.Buffers.ArrayPool<int>.Shared.Return(scratch);
            }
        });
        return voxels;
    }

    /// <summary>Parallel.For that rethrows the first <see cref="InvalidInputException"/> as itself, not wrapped.</summary>
    private static void RunParallel(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
        }
        catch (AggregateException e)
        {
            var first = e.Flatten().InnerExceptions.OrderBy(x => x is InvalidInputException ? 0 : 1).First();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }
    }
}
