namespace NativeSeg.Imaging.Morphology;

/// <summary>
/// The runs of one value class (non-zero or zero) along every x row of a volume, in raster order, with a union-find
/// over them: the representation behind <see cref="ConnectedComponents3D"/> and <see cref="HoleFilling3D"/>.
/// A lung mask of 30 million voxels has a few hundred thousand runs, so joining runs instead of visiting voxels
/// (a breadth-first search touches each voxel's 26 neighbours) cuts the work by one to two orders of magnitude, and
/// finding the runs is a vectorised search for the next changing byte.
/// <para>Two runs in rows that are neighbours (x, y and z differ by at most one) touch 26-connected when their
/// x ranges overlap after widening one by a voxel on each side, and 6-connected when they overlap as they are and the
/// rows share a face (y or z differs by one, not both). Only the rows already seen are joined to each row:
/// (y − 1, z), and with <c>facesOnly</c> false also (y − 1, z − 1) and (y + 1, z − 1), and (y, z − 1).</para>
/// </summary>
internal sealed class RowRuns
{
    private int[] _parent;

    private RowRuns(int[] start, int[] end, int[] rowFirst, int count, int rowsX, int rowsY, int rowsZ)
    {
        Start = start;
        End = end;
        RowFirst = rowFirst;
        Count = count;
        SizeX = rowsX;
        SizeY = rowsY;
        SizeZ = rowsZ;
        _parent = new int[count];
        for (int i = 0; i < count; i++) _parent[i] = i;
    }

    /// <summary>First x of each run.</summary>
    public int[] Start { get; }

    /// <summary>One past the last x of each run.</summary>
    public int[] End { get; }

    /// <summary>RowFirst[r] .. RowFirst[r + 1] − 1 are the runs of row r = z·SizeY + y.</summary>
    public int[] RowFirst { get; }

    public int Count { get; }
    public int SizeX { get; }
    public int SizeY { get; }
    public int SizeZ { get; }

    /// <summary>Runs of the non-zero voxels (<paramref name="foreground"/> true) or of the zero voxels of a volume.</summary>
    public static RowRuns Find(ReadOnlySpan<byte> volume, int sizeX, int sizeY, int sizeZ, bool foreground)
    {
        int rows = sizeY * sizeZ;
        var rowFirst = new int[rows + 1];
        var start = new List<int>(1024);
        var end = new List<int>(1024);
        for (int r = 0; r < rows; r++)
        {
            rowFirst[r] = start.Count;
            var row = volume.Slice(r * sizeX, sizeX);
            int x = 0;
            while (x < sizeX)
            {
                // IndexOf / IndexOfAnyExcept are vectorised: a row of zeros is skipped 64 bytes at a time.
                var rest = row[x..];
                int first = foreground ? rest.IndexOfAnyExcept((byte)0) : rest.IndexOf((byte)0);
                if (first < 0) break;
                int s = x + first;
                var after = row[s..];
                int length = foreground ? after.IndexOf((byte)0) : after.IndexOfAnyExcept((byte)0);
                int e = length < 0 ? sizeX : s + length;
                start.Add(s);
                end.Add(e);
                x = e;
            }
        }
        rowFirst[rows] = start.Count;
        return new RowRuns([.. start], [.. end], rowFirst, start.Count, sizeX, sizeY, sizeZ);
    }

    /// <summary>Joins every pair of touching runs (see the class comment for the neighbourhoods).</summary>
    public void JoinNeighbours(bool facesOnly)
    {
        for (int z = 0; z < SizeZ; z++)
            for (int y = 0; y < SizeY; y++)
            {
                int row = z * SizeY + y;
                if (RowFirst[row] == RowFirst[row + 1]) continue;
                if (y > 0) JoinRows(row, row - 1, widen: facesOnly ? 0 : 1);
                if (z == 0) continue;
                int below = row - SizeY;
                JoinRows(row, below, widen: facesOnly ? 0 : 1);
                if (facesOnly) continue;
                if (y > 0) JoinRows(row, below - 1, widen: 1);
                if (y < SizeY - 1) JoinRows(row, below + 1, widen: 1);
            }
    }

    /// <summary>Joins the runs of two rows whose x ranges overlap once widened by <paramref name="widen"/> voxels.</summary>
    private void JoinRows(int row, int other, int widen)
    {
        int a = RowFirst[row], aEnd = RowFirst[row + 1];
        int b = RowFirst[other], bEnd = RowFirst[other + 1];
        // Both lists are sorted and disjoint: a two-pointer sweep visits each overlapping pair once.
        while (a < aEnd && b < bEnd)
        {
            if (Start[b] < End[a] + widen && Start[a] < End[b] + widen) Union(a, b);
            if (End[a] < End[b]) a++; else b++;
        }
    }

    public int Root(int run)
    {
        var parent = _parent;
        while (parent[run] != run)
        {
            parent[run] = parent[parent[run]]; // path halving keeps the trees flat
            run = parent[run];
        }
        return run;
    }

    public void Union(int a, int b)
    {
        int ra = Root(a), rb = Root(b);
        if (ra == rb) return;
        // The smaller index becomes the root, so a root is always its component's first run in raster order.
        if (ra < rb) _parent[rb] = ra; else _parent[ra] = rb;
    }

    /// <summary>The row (y, z) a run lies in, by binary search over <see cref="RowFirst"/>.</summary>
    public (int Y, int Z) RowOf(int run)
    {
        int lo = 0, hi = RowFirst.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (RowFirst[mid] <= run) lo = mid; else hi = mid - 1;
        }
        return (lo % SizeY, lo / SizeY);
    }
}
