using NativeSeg.IO;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Geometry;

/// <summary>
/// How a volume's voxel axes map onto the network's canonical display of an axial slice: rows run
/// anterior → posterior and columns run from the patient's right to the patient's left (the radiological
/// view, which is how DICOM LPS data is stored), and slices are taken from inferior to superior.
/// Worked out from the affine (RAS): the in-plane index axis with the larger |x| component is the L–R axis;
/// RAS +x points to the patient's right, so columns must advance along −x and rows along −y.
/// LCTSC NIfTI (LAS) therefore has its rows flipped; DICOM (LPS) needs nothing. Oblique affines use the
/// dominant direction of each axis; a slice axis that is not mainly superior–inferior is rejected.
/// </summary>
public sealed record SliceOrientation
{
    private SliceOrientation(Grid grid, bool transposed, bool flipColumns, bool flipRows, bool flipSlices)
    {
        Grid = grid;
        Transposed = transposed;
        FlipColumns = flipColumns;
        FlipRows = flipRows;
        FlipSlices = flipSlices;
    }

    public Grid Grid { get; }

    /// <summary>True when display columns follow index axis 1 (j) and rows index axis 0 (i).</summary>
    public bool Transposed { get; }

    /// <summary>True when display column 0 is the last index along the column axis.</summary>
    public bool FlipColumns { get; }

    public bool FlipRows { get; }

    /// <summary>True when network slice 0 is the volume's last slice (k runs superior → inferior).</summary>
    public bool FlipSlices { get; }

    public int Columns => Transposed ? Grid.SizeY : Grid.SizeX;

    public int Rows => Transposed ? Grid.SizeX : Grid.SizeY;

    public int Slices => Grid.SizeZ;

    /// <summary>Index axis (0 or 1) that runs along the patient's left–right direction.</summary>
    public int LeftRightAxis => Transposed ? 1 : 0;

    /// <summary>The volume slice index k of network slice n.</summary>
    public int VolumeSlice(int networkSlice) => FlipSlices ? Grid.SizeZ - 1 - networkSlice : networkSlice;

    /// <summary>Throws InvalidInputException (naming <paramref name="source"/>) when the slices are not axial.</summary>
    public static SliceOrientation FromGrid(Grid grid, string source = "volume")
    {
        var a = grid.Affine;
        (double X, double Y, double Z) Axis(int c) => (a[0, c], a[1, c], a[2, c]);
        var (ix, iy, iz) = Axis(0);
        var (jx, jy, jz) = Axis(1);
        var (kx, ky, kz) = Axis(2);
        if (Math.Abs(kz) < Math.Max(Math.Abs(kx), Math.Abs(ky)))
            throw new InvalidInputException(source, $"the slices are not axial: the third voxel axis points along ({kx:G3}, {ky:G3}, {kz:G3}) mm (RAS); reformat to axial slices first.");
        if (Math.Abs(iz) > Math.Max(Math.Abs(ix), Math.Abs(iy)) || Math.Abs(jz) > Math.Max(Math.Abs(jx), Math.Abs(jy)))
            throw new InvalidInputException(source, "an in-plane voxel axis points mainly superior–inferior; the slices are not axial.");

        bool transposed = Math.Abs(jx) > Math.Abs(ix);
        var (colX, rowY) = transposed ? (jx, iy) : (ix, jy);
        if (colX == 0 || rowY == 0)
            throw new InvalidInputException(source, "cannot tell the left–right from the anterior–posterior axis: both in-plane axes point the same way.");
        return new SliceOrientation(grid, transposed, flipColumns: colX > 0, flipRows: rowY > 0, flipSlices: kz < 0);
    }

    /// <summary>For every display pixel (column c, row r) at c + Columns·r, its offset x + SizeX·y inside a volume slice.</summary>
    public int[] DisplayToSliceOffsets()
    {
        int columns = Columns, rows = Rows;
        var offsets = new int[columns * rows];
        for (int r = 0; r < rows; r++)
        {
            int rowIndex = FlipRows ? rows - 1 - r : r;
            for (int c = 0; c < columns; c++)
            {
                int columnIndex = FlipColumns ? columns - 1 - c : c;
                var (x, y) = Transposed ? (rowIndex, columnIndex) : (columnIndex, rowIndex);
                offsets[c + columns * r] = x + Grid.SizeX * y;
            }
        }
        return offsets;
    }

    public override string ToString() =>
        $"columns = index axis {(Transposed ? 1 : 0)}{(FlipColumns ? " reversed" : "")}, rows = index axis {(Transposed ? 0 : 1)}{(FlipRows ? " reversed" : "")}, slices{(FlipSlices ? " reversed" : "")}";
}
