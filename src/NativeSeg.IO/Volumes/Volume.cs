namespace NativeSeg.IO.Volumes;

/// <summary>
/// Voxels on a grid. CT volumes are <c>Volume&lt;float&gt;</c> in Hounsfield units, masks <c>Volume&lt;byte&gt;</c>
/// (0 = background, 1.. = labels), probability maps <c>Volume&lt;float&gt;</c> in [0, 1].
/// </summary>
public sealed class Volume<T> where T : unmanaged
{
    public Volume(Grid grid, T[] voxels)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(voxels);
        if (voxels.Length != grid.VoxelCount)
            throw new ArgumentException($"Grid {grid.SizeX}×{grid.SizeY}×{grid.SizeZ} needs {grid.VoxelCount} voxels, got {voxels.Length}.");
        Grid = grid;
        Voxels = voxels;
    }

    public Volume(Grid grid) : this(grid, new T[grid.VoxelCount]) { }

    public Grid Grid { get; }

    public T[] Voxels { get; }

    public T this[int x, int y, int z]
    {
        get => Voxels[Grid.Index(x, y, z)];
        set => Voxels[Grid.Index(x, y, z)] = value;
    }

    /// <summary>One axial slice (all x, y at index z).</summary>
    public Span<T> Slice(int z) => Voxels.AsSpan(z * Grid.SliceLength, Grid.SliceLength);
}
