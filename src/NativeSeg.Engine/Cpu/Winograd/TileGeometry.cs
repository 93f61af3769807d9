using static NativeSeg.Engine.OperationContracts;
using static NativeSeg.Engine.Cpu.Winograd.WinogradTransforms;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// Where the tiles of <see cref="WinogradConvolution"/> lie, and how the work is cut into blocks.
///
/// Tiles: each phase grid (rows ≡ ry, columns ≡ rx mod d) has ⌈⌈H/d⌉/4⌉ × ⌈⌈W/d⌉/4⌉ tiles (the largest phase's count
/// for all phases; tiles past the image compute values that are never stored). Tile (ty, tx) of phase (ry, rx) covers
/// outputs y = ry + d·(4·ty + i), x = rx + d·(4·tx + j).
///
/// Blocks (one work item each): tile row ty of every row phase (output rows 4·d·ty … 4·d·ty + 4·d − 1) times
/// <see cref="BlockTileColumns"/> tile columns of every column phase (output columns 4·d·tx0 … 4·d·tx0 +
/// <see cref="BlockColumns"/> − 1). A block covers a rectangle of whole output rows and columns, so its inputs are the
/// rectangle widened by d on every side: (6·d) × (BlockColumns + 2·d) pixels, small enough to copy, transform and
/// finish inside L2. Its d²·BlockTileColumns tiles are numbered over (row phase, column phase, tile column).
/// </summary>
internal readonly record struct TileGeometry
{
    /// <summary>
    /// Output columns per block: a multiple of 4·d and of 16, with d²·(tiles per phase row) a multiple of the GEMM's
    /// 12-row block: 96 (24 tiles) for d = 1, 48 (24 tiles) for d = 2, 48 (48 tiles) for d = 4. The input copy is
    /// wider by 2·d, rounded up to 16 columns: 112 / 64 / 64, so 1.17 / 1.33 / 1.33 copies of each input column.
    /// </summary>
    public static int TargetBlockColumns(int dilation) => dilation == 1 ? 96 : 48;

    public TileGeometry(ConvolutionSizes s)
    {
        Sizes = s;
        int d = s.Dilation;
        TileRowsPerPhase = ((s.Height + d - 1) / d + OutputTile - 1) / OutputTile;
        TileColumnsPerPhase = ((s.Width + d - 1) / d + OutputTile - 1) / OutputTile;
        BlockTileColumns = Math.Max(1, TargetBlockColumns(d) / (OutputTile * d));
        BlocksPerRow = (TileColumnsPerPhase + BlockTileColumns - 1) / BlockTileColumns;
        InPadded = WinogradWeightCache.Padded(s.InChannels);
        OutPadded = WinogradWeightCache.Padded(s.OutChannels);
    }

    public ConvolutionSizes Sizes { get; }

    public int TileRowsPerPhase { get; }

    public int TileColumnsPerPhase { get; }

    /// <summary>Tile columns (per phase) of one block.</summary>
    public int BlockTileColumns { get; }

    /// <summary>Blocks across the image.</summary>
    public int BlocksPerRow { get; }

    public int InPadded { get; }

    public int OutPadded { get; }

    public int Blocks => Sizes.Batch * TileRowsPerPhase * BlocksPerRow;

    /// <summary>Output rows of a block.</summary>
    public int BlockRows => OutputTile * Sizes.Dilation;

    /// <summary>Output columns of a whole block (a multiple of 16 when d divides 12).</summary>
    public int BlockColumns => OutputTile * Sizes.Dilation * BlockTileColumns;

    /// <summary>Rows of the block's input copy: 4·d + 2·d.</summary>
    public int InputRows => BlockRows + 2 * Sizes.Dilation;

    /// <summary>Columns of the block's input copy, rounded up to whole 16-column transposes.</summary>
    public int InputColumns => RoundUp(BlockColumns + 2 * Sizes.Dilation, 16);

    /// <summary>Floats of the block's channels-last input copy [InputRows][InputColumns][InPadded].</summary>
    public long InputLength => (long)InputRows * InputColumns * InPadded;

    /// <summary>Columns of the block's output staging, rounded up to whole 16-column transposes.</summary>
    public int StagingColumns => RoundUp(BlockColumns, 16);

    /// <summary>Floats of the block's channels-last output staging [BlockRows][StagingColumns][OutPadded].</summary>
    public long StagingLength => (long)BlockRows * StagingColumns * OutPadded;

    /// <summary>Tiles of one block (some may lie past the image's right edge).</summary>
    public int TilesPerBlock => Sizes.Dilation * Sizes.Dilation * BlockTileColumns;

    /// <summary>Floats between tile rows a and a + 1 in the input copy (d rows).</summary>
    public long TileRowStep => (long)Sizes.Dilation * InputColumns * InPadded;

    /// <summary>Floats between tile columns b and b + 1 in the input copy (d pixels).</summary>
    public long TileColumnStep => (long)Sizes.Dilation * InPadded;

    /// <summary>Block number <paramref name="block"/>: image, tile row, first tile column.</summary>
    public (int Image, int TileRow, int FirstTileColumn) Block(int block)
    {
        int perImage = TileRowsPerPhase * BlocksPerRow;
        int rest = block % perImage;
        return (block / perImage, rest / BlocksPerRow, rest % BlocksPerRow * BlockTileColumns);
    }

    /// <summary>Tile <paramref name="index"/> of a block as (row phase, column phase, tile column within the block).</summary>
    public (int RowPhase, int ColumnPhase, int Column) Tile(int index)
    {
        int perPhaseRow = Sizes.Dilation * BlockTileColumns;
        int rest = index % perPhaseRow;
        return (index / perPhaseRow, rest / BlockTileColumns, rest % BlockTileColumns);
    }

    /// <summary>Offset of a tile's input (a, b) = (0, 0) in the block's input copy.</summary>
    public long InputOffset(int rowPhase, int columnPhase, int column) =>
        ((long)rowPhase * InputColumns + columnPhase + (long)Sizes.Dilation * OutputTile * column) * InPadded;

    /// <summary>Offset of output (row, column) relative to the block's origin in its staging buffer.</summary>
    public long StagedPixel(int row, int column) => ((long)row * StagingColumns + column) * OutPadded;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
