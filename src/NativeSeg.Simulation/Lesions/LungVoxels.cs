using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Simulation.Lesions;

/// <summary>
/// The lung-mask voxels in a padded box around the lungs: their linear indices in the volume, their indices in the
/// box, and their distance (mm) to the pleura. The pleura is the boundary between lung and non-lung tissue; air
/// outside the mask (HU below −900: trachea and bronchi, which lung masks exclude) does not count as boundary, so a
/// bronchus in the hilum does not attract "subpleural" lesions. The box has a one-voxel border of non-lung voxels, so
/// lungs that reach the edge of the image still get a boundary there.
/// </summary>
internal sealed class LungVoxels
{
    private readonly int _nx, _ny;
    private readonly int[] _localToLung; // −1 where the box voxel is not lung
    private readonly bool[] _open; // lung or airway air: not pleura
    private readonly Grid _grid;

    private const float AirwayHu = -900;

    private LungVoxels(Grid grid, int nx, int ny, int[] localToLung, bool[] open, int[] global, int[] local, float[] distance)
    {
        _open = open;
        _grid = grid;
        _nx = nx; _ny = ny;
        _localToLung = localToLung;
        Global = global;
        Local = local;
        Distance = distance;
    }

    public int Count => Global.Length;
    public int[] Global { get; }
    public int[] Local { get; }
    public float[] Distance { get; }

    public static LungVoxels Gather(Volume<byte> mask, Volume<float> ct, VoxelBox box)
    {
        var grid = mask.Grid;
        var padded = box.Grow(1);
        int nx = padded.SizeX, ny = padded.SizeY, nz = padded.SizeZ;
        var inside = new bool[nx * ny * nz];
        var localToLung = new int[inside.Length];
        Array.Fill(localToLung, -1);
        var global = new List<int>();
        var local = new List<int>();
        for (int z = box.Z0; z <= box.Z1; z++)
            for (int y = box.Y0; y <= box.Y1; y++)
                for (int x = box.X0; x <= box.X1; x++)
                {
                    int g = grid.Index(x, y, z);
                    int l = padded.Local(x - padded.X0, y - padded.Y0, z - padded.Z0);
                    if (mask.Voxels[g] == 0)
                    {
                        inside[l] = ct.Voxels[g] < AirwayHu;
                        continue;
                    }
                    inside[l] = true;
                    localToLung[l] = global.Count;
                    global.Add(g);
                    local.Add(l);
                }
        var a = AffineRows.Of(grid.Affine);
        var field = DistanceTransform.DistanceToOutside(inside, nx, ny, nz, a.SpacingX, a.SpacingY, a.SpacingZ);
        var distance = new float[global.Count];
        for (int p = 0; p < distance.Length; p++) distance[p] = field[local[p]];
        return new LungVoxels(grid, nx, ny, localToLung, inside, [.. global], [.. local], distance);
    }

    /// <summary>Lowest and highest RAS coordinates (mm) over the lung voxels.</summary>
    public ((double X, double Y, double Z) Minimum, (double X, double Y, double Z) Maximum) Extent(AffineRows a)
    {
        double x0 = double.MaxValue, y0 = double.MaxValue, z0 = double.MaxValue;
        double x1 = double.MinValue, y1 = double.MinValue, z1 = double.MinValue;
        var grid = _grid;
        foreach (int g in Global)
        {
            var (x, y, z) = a.Position(g, grid);
            x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
            y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
            z0 = Math.Min(z0, z); z1 = Math.Max(z1, z);
        }
        return ((x0, y0, z0), (x1, y1, z1));
    }

    /// <summary>Mean RAS x (mm) of the lung voxels: the split between right and left lung.</summary>
    public double MeanX(AffineRows a)
    {
        var grid = _grid;
        double sum = 0;
        foreach (int g in Global) sum += a.Position(g, grid).X;
        return sum / Count;
    }

    /// <summary>
    /// Keeps the 6-connected components of <paramref name="keep"/>-labelled voxels that contain a voxel with a face
    /// neighbour across the pleura (non-lung, non-airway); relabels the other components to <paramref name="otherwise"/>.
    /// </summary>
    public void KeepComponentsTouchingBoundary(byte[] label, byte keep, byte otherwise)
    {
        var reached = new bool[Count];
        var queue = new Queue<int>();
        int sliceLength = _nx * _ny;
        Span<int> steps = [1, -1, _nx, -_nx, sliceLength, -sliceLength];
        for (int p = 0; p < Count; p++)
        {
            if (label[p] != keep) continue;
            foreach (int step in steps)
                if (!_open[Local[p] + step]) { reached[p] = true; queue.Enqueue(p); break; }
        }
        while (queue.Count > 0)
        {
            int p = queue.Dequeue();
            int l = Local[p];
            foreach (int step in steps)
            {
                int q = _localToLung[l + step]; // the padded border keeps l + step inside the box
                if (q < 0 || reached[q] || label[q] != keep) continue;
                reached[q] = true;
                queue.Enqueue(q);
            }
        }
        for (int p = 0; p < Count; p++)
            if (label[p] == keep && !reached[p]) label[p] = otherwise;
    }
}
