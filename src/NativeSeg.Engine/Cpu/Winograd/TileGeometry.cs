using static NativeSeg.Engine.OperationContracts;
using static NativeSeg.Engine.Cpu.Winograd.WinogradTransforms;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// Where the tiles of <see cref="WinogradConvolution"/> lie. Each phase grid (rows ≡ ry, columns ≡ rx mod d) has
/// ⌈⌈H/d⌉/4⌉ × ⌈⌈W/d⌉/4⌉ tiles (the largest phase's count for all phases; tiles past the image compute values that are
/// never stored). The tiles of one (image, row phase) are numbered row by row over (tile row, column phase, tile
/// column), which is how work items split them.
///
/// Padded buffer: channels-last [n][row][column][InPadded], d zero rows/columns on the top/left and d·(4·tiles + 2)
/// rows/columns in all, so the last tile's 6×6 reads (up to ry + d·(4·(tiles − 1) + 5) &lt; d·(4·tiles + 2)) stay inside.
/// </summary>
internal readonly record struct TileGeometry
{
    public TileGeometry(ConvolutionSizes s)
    {
        Sizes = s;
        int d = s.Dilation;
        TileRowsPerPhase = ((s.Height + d - 1) / d + OutputTile - 1) / OutputTile;
        TileColumnsPerPhase = ((s.Width + d - 1) / d + OutputTile - 1) / OutputTile;
        PaddedRows = d * (OutputTile * TileRowsPerPhase + 2);
        PaddedColumns = d * (OutputTile * TileColumnsPerPhase + 2);
        InPadded = WinogradWeightCache.Padded(s.InChannels);
        OutPadded = WinogradWeightCache.Padded(s.OutChannels);
    }

    public ConvolutionSizes Sizes { get; }

    public int TileRowsPerPhase { get; }

    public int TileColumnsPerPhase { get; }

    public int PaddedRows { get; }

    public int PaddedColumns { get; }

    public int InPadded { get; }

    public int OutPadded { get; }

    /// <summary>Tiles of one (image, row phase): all tile rows, column phases and tile columns.</summary>
    public int TilesPerPhaseRow => TileRowsPerPhase * Sizes.Dilation * TileColumnsPerPhase;

    public long RowStride => (long)PaddedColumns * InPadded;

    public long ImageStride => PaddedRows * RowStride;

    public long PaddedLength => Sizes.Batch * ImageStride;

    /// <summary>Floats between tile rows a and a + 1 (d padded rows).</summary>
    public long TileRowStep => Sizes.Dilation * RowStride;

    /// <summary>Floats between tile columns b and b + 1 (d padded pixels).</summary>
    public long TileColumnStep => (long)Sizes.Dilation * InPadded;

    /// <summary>Tile number <paramref name="index"/> of image n, row phase ry.</summary>
    public TilePosition Tile(int n, int rowPhase, int index)
    {
        int perRow = Sizes.Dilation * TileColumnsPerPhase;
        int rest = index % perRow;
        return new TilePosition(n, rowPhase, index / perRow, rest / TileColumnsPerPhase, rest % TileColumnsPerPhase);
    }

    /// <summary>Offset of the tile's input (a, b) = (0, 0) in the padded buffer.</summary>
    public long PaddedOffset(TilePosition t) =>
        t.Image * ImageStride + (t.RowPhase + (long)Sizes.Dilation * OutputTile * t.Row) * RowStride
        + (t.ColumnPhase + (long)Sizes.Dilation * OutputTile * t.Column) * InPadded;

    /// <summary>A tile: image, phase (ry, rx) and its row and column in the phase grid.</summary>
    public readonly record struct TilePosition(int Image, int RowPhase, int Row, int ColumnPhase, int Column);
}
