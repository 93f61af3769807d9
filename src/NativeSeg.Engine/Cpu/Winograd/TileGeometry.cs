using static NativeSeg.Engine.OperationContracts;
using static NativeSeg.Engine.Cpu.Winograd.WinogradTransforms;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// Where the tiles of <see cref="WinogradConvolution"/> lie. Each phase grid (rows ≡ ry, columns ≡ rx mod d) has
/// ⌈⌈H/d⌉/4⌉ × ⌈⌈W/d⌉/4⌉ tiles (the largest phase's count for all phases; tiles past the image compute values that are
/// never stored). A band is tile row ty of every phase: it covers output rows 4·d·ty … 4·d·ty + 4·d − 1 completely,
/// and its d²·tiles-per-row tiles are numbered over (row phase, column phase, tile column).
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

    /// <summary>Tiles of one band (tile row ty of every phase): d² phases × tile columns.</summary>
    public int TilesPerBand => Sizes.Dilation * Sizes.Dilation * TileColumnsPerPhase;

    /// <summary>Output rows of one band: 4·d·ty … 4·d·ty + 4·d − 1.</summary>
    public int BandRows => OutputTile * Sizes.Dilation;

    public long RowStride => (long)PaddedColumns * InPadded;

    public long ImageStride => PaddedRows * RowStride;

    public long PaddedLength => Sizes.Batch * ImageStride;

    /// <summary>Floats between tile rows a and a + 1 (d padded rows).</summary>
    public long TileRowStep => Sizes.Dilation * RowStride;

    /// <summary>Floats between tile columns b and b + 1 (d padded pixels).</summary>
    public long TileColumnStep => (long)Sizes.Dilation * InPadded;

    /// <summary>
    /// Columns of a staging row: every tile's four stored columns fit (the last tile of a phase ends at
    /// rx + d·(4·tiles − 1) &lt; d·4·tiles), and 16-column loads from any column below ⌈W/16⌉·16 stay inside.
    /// </summary>
    public int StagingWidth => Math.Max(Sizes.Dilation * OutputTile * TileColumnsPerPhase, (Sizes.Width + 15) / 16 * 16);

    /// <summary>Floats of one band's channels-last staging buffer [BandRows][StagingWidth][OutPadded].</summary>
    public long BandStagingLength => (long)BandRows * StagingWidth * OutPadded;

    /// <summary>Offset of pixel (row within the band, x) in the band's staging buffer.</summary>
    public long StagedPixel(int bandRow, int x) => ((long)bandRow * StagingWidth + x) * OutPadded;

    /// <summary>Tile number <paramref name="index"/> of band (tile row) ty of image n, numbered over (ry, rx, tx).</summary>
    public TilePosition Tile(int n, int band, int index)
    {
        int perPhaseRow = Sizes.Dilation * TileColumnsPerPhase;
        int rest = index % perPhaseRow;
        return new TilePosition(n, index / perPhaseRow, band, rest / TileColumnsPerPhase, rest % TileColumnsPerPhase);
    }

    /// <summary>Offset of the tile's input (a, b) = (0, 0) in the padded buffer.</summary>
    public long PaddedOffset(TilePosition t) =>
        t.Image * ImageStride + (t.RowPhase + (long)Sizes.Dilation * OutputTile * t.Row) * RowStride
        + (t.ColumnPhase + (long)Sizes.Dilation * OutputTile * t.Column) * InPadded;

    /// <summary>A tile: image, phase (ry, rx) and its row and column in the phase grid.</summary>
    public readonly record struct TilePosition(int Image, int RowPhase, int Row, int ColumnPhase, int Column);
}
