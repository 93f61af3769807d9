namespace NativeSeg.Imaging.Morphology;

/// <summary>
/// Labels the 26-connected (or, on request, 6-connected: faces only) components of the non-zero voxels of a volume
/// by joining runs along x (<see cref="RowRuns"/>: union-find over runs, no recursion and no per-voxel neighbour
/// visits). Labels are 1..Count in order of discovery (x fastest): the component holding the lowest voxel index is 1;
/// 0 is background.
/// </summary>
public sealed class ConnectedComponents3D
{
    private ConnectedComponents3D(int[] labels, long[] sizes)
    {
        Labels = labels;
        Sizes = sizes;
    }

    /// <summary>Per voxel, its component (1-based) or 0.</summary>
    public int[] Labels { get; }

    /// <summary>Sizes[l − 1] = voxel count of component l.</summary>
    public long[] Sizes { get; }

    public int Count => Sizes.Length;

    public static ConnectedComponents3D Find(ReadOnlySpan<byte> mask, int sizeX, int sizeY, int sizeZ, bool facesOnly = false)
    {
        var components = RunComponents.Find(mask, sizeX, sizeY, sizeZ, facesOnly);
        var labels = new int[mask.Length];
        var runs = components.Runs;
        for (int row = 0; row < sizeY * sizeZ; row++)
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
                labels.AsSpan(row * sizeX + runs.Start[r], runs.End[r] - runs.Start[r]).Fill(components.LabelOfRun[r]);
        return new ConnectedComponents3D(labels, components.Sizes);
    }
}

/// <summary>
/// Connected components as labelled runs (<see cref="RowRuns"/>), without a label per voxel: what the lung
/// post-processing needs (sizes, which runs to keep, centroids) at a fraction of the memory and time of a full label
/// volume. Labels are 1..Count in order of discovery, as in <see cref="ConnectedComponents3D"/>.
/// </summary>
internal sealed class RunComponents
{
    private RunComponents(RowRuns runs, int[] labelOfRun, long[] sizes)
    {
        Runs = runs;
        LabelOfRun = labelOfRun;
        Sizes = sizes;
    }

    public RowRuns Runs { get; }

    /// <summary>The component (1-based) of each run.</summary>
    public int[] LabelOfRun { get; }

    /// <summary>Sizes[l − 1] = voxel count of component l.</summary>
    public long[] Sizes { get; }

    public int Count => Sizes.Length;

    public static RunComponents Find(ReadOnlySpan<byte> mask, int sizeX, int sizeY, int sizeZ, bool facesOnly = false)
    {
        if (mask.Length != (long)sizeX * sizeY * sizeZ)
            throw new ArgumentException($"mask has {mask.Length} voxels, grid {sizeX}×{sizeY}×{sizeZ} needs {(long)sizeX * sizeY * sizeZ}.");
        var runs = RowRuns.Find(mask, sizeX, sizeY, sizeZ, foreground: true);
        runs.JoinNeighbours(facesOnly);
        // Roots are their component's first run in raster order, so numbering roots in run order gives the labels
        // in order of discovery (the voxel with the lowest index of each component decides), as a raster scan would.
        var labelOfRun = new int[runs.Count];
        var sizes = new List<long>();
        for (int r = 0; r < runs.Count; r++)
        {
            int root = runs.Root(r);
            if (root == r)
            {
                sizes.Add(0);
                labelOfRun[r] = sizes.Count;
            }
            else
            {
                labelOfRun[r] = labelOfRun[root];
            }
            sizes[labelOfRun[r] - 1] += runs.End[r] - runs.Start[r];
        }
        return new RunComponents(runs, labelOfRun, [.. sizes]);
    }

    /// <summary>Writes <paramref name="valueOfLabel"/>[label] into every voxel of every run (0 leaves it untouched).</summary>
    public void Paint(Span<byte> volume, ReadOnlySpan<byte> valueOfLabel)
    {
        var runs = Runs;
        for (int row = 0; row < runs.SizeY * runs.SizeZ; row++)
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
            {
                byte value = valueOfLabel[LabelOfRun[r]];
                if (value != 0) volume.Slice(row * runs.SizeX + runs.Start[r], runs.End[r] - runs.Start[r]).Fill(value);
            }
    }

    /// <summary>Writes 0 into every voxel of every run whose label is marked in <paramref name="clearLabel"/>.</summary>
    public void Clear(Span<byte> volume, ReadOnlySpan<bool> clearLabel)
    {
        var runs = Runs;
        for (int row = 0; row < runs.SizeY * runs.SizeZ; row++)
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
                if (clearLabel[LabelOfRun[r]]) volume.Slice(row * runs.SizeX + runs.Start[r], runs.End[r] - runs.Start[r]).Clear();
    }

    /// <summary>Per label (index 0 unused), the mean voxel (x, y, z) index: sums over runs in closed form.</summary>
    public (double X, double Y, double Z)[] Centroids()
    {
        var runs = Runs;
        var sum = new (double X, double Y, double Z)[Count + 1];
        for (int row = 0; row < runs.SizeY * runs.SizeZ; row++)
        {
            int y = row % runs.SizeY, z = row / runs.SizeY;
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
            {
                int l = LabelOfRun[r];
                long n = runs.End[r] - runs.Start[r];
                // Σx over [s, e) = n·(s + e − 1)/2.
                sum[l].X += n * (runs.Start[r] + runs.End[r] - 1) / 2.0;
                sum[l].Y += (double)n * y;
                sum[l].Z += (double)n * z;
            }
        }
        for (int l = 1; l <= Count; l++)
        {
            double n = Sizes[l - 1];
            sum[l] = (sum[l].X / n, sum[l].Y / n, sum[l].Z / n);
        }
        return sum;
    }
}
