using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static NativeSeg.Engine.OperationContracts;
using static NativeSeg.Engine.Cpu.Winograd.WinogradTransforms;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// The fused inference convolution (<see cref="IBackend.ConvolutionInferenceForward"/>) for 3×3 kernels by Winograd's
/// F(4×4, 3×3) (<see cref="WinogradTransforms"/>): input batch norm + ReLU → 3×3 convolution with dilation d → output
/// batch norm + ReLU → residual add, with 4× fewer multiplications in the channel-mixing stage than the direct loop.
///
/// Dilation: a convolution with dilation d is d² independent undilated convolutions, one per phase (ry, rx): the output
/// pixels with y ≡ ry and x ≡ rx (mod d) only read input pixels of the same phase, each phase grid padded by one of its
/// own pixels. So a tile of phase (ry, rx) at tile position (ty, tx) covers outputs
/// y = ry + d·(4·ty + i), x = rx + d·(4·tx + j) (i, j &lt; 4) and reads padded inputs ry + d·(4·ty + a),
/// rx + d·(4·tx + b) (a, b &lt; 6): the same transforms serve dilation 1, 2 and 4, only the strides change.
///
/// Work items are blocks of whole output rows and columns (<see cref="TileGeometry"/>); per block, with every buffer
/// per thread and small enough for L2:
/// 1. the block's input rectangle, widened by d on each side, through the input batch norm + ReLU into a channels-last
///    copy [row][column][channel] (channels rounded up to 16; pixels outside the image zero), so that one
///    <see cref="Vector512{T}"/> load reads 16 channels of a pixel: from an NCHW input by 16×16 register transposes
///    (<see cref="Transpose16x16"/>), from a channels-last input (<see cref="CpuLayout.ChannelsLast"/>) row by row;
/// 2. in chunks of <see cref="TileRows"/> tiles: the input transform V = Bᵀ d B of each tile, 16 channels per vector,
///    into V[position][tile][channel];
/// 3. 36 GEMMs M[position] = V[position] · U[position] (<see cref="WinogradTileGemm"/>, U from
///    <see cref="WinogradWeightCache"/>);
/// 4. the output transform Aᵀ M A into the block's channels-last staging [y][x][channel];
/// 5. per output row of the block: the output batch norm (+ ReLU) and the residual add, stored channels-last (16
///    channels of a pixel per vector; the backend's choice whenever Cout is a multiple of 16, so that the next Winograd
///    layer skips both transposes) or, otherwise, through 16×16 transposes back to NCHW.
/// No buffer of the whole tensor is made (the direct path makes a padded copy of its input).
/// Every output value is computed by one work item in a fixed order: bit-identical for any thread count.
/// </summary>
[SkipLocalsInit]
internal static unsafe class WinogradConvolution
{
    /// <summary>Each worker thread's V, M, input copy and staging (see <see cref="ThreadWorkBuffer"/>).</summary>
    [ThreadStatic]
    private static ThreadWorkBuffer? _threadWork;

    /// <summary>
    /// Tiles per GEMM chunk: V and M of a 64-channel layer then take 2 × 221 KB, which stay in L2 while the 36 GEMMs
    /// run. A multiple of <see cref="WinogradTileGemm.RowBlock"/>.
    /// </summary>
    public const int TileRows = 24;

    /// <summary>
    /// output = epilogue(conv(before(input), weights)) for [N, Cin, H, W] → [N, Cout, H, W];
    /// <paramref name="transformed"/> from <see cref="WinogradWeightCache"/>; residual [N, residualChannels, H, W]
    /// added at output channels residualOffset …, or null. The input is channels-last when
    /// <paramref name="inputChannelsLast"/> (Cin a multiple of 16), the output and the residual both when
    /// <paramref name="outputChannelsLast"/> (Cout and the residual's channels multiples of 16).
    /// </summary>
    public static void Forward(CpuWorkers workers, ConvolutionSizes s, float* input, bool inputChannelsLast, ChannelNormalization? before,
        float* transformed, ChannelNormalization? after, float* residual, int residualChannels, int residualOffset, float* output,
        bool outputChannelsLast)
    {
        var g = new TileGeometry(s);
        int outPadded = g.OutPadded, tiles = g.TilesPerBlock;
        // Positions lie one cache line more than their tile rows apart: each tile's transform touches all 36 positions,
        // and at a stride that is a multiple of 4 KiB (24 tiles × 64 channels = 6 KiB puts every other position in the
        // same L1 set) those lines would evict each other. Measured: the weight gradient, which shares the pattern,
        // went from 212–230 to 128 ms per 64 → 64 call (batch 17) when skewed.
        long vStride = (long)TileRows * g.InPadded + 16, mStride = (long)TileRows * outPadded + 16;
        long vLength = Positions * vStride, mLength = Positions * mStride;
        workers.For(g.Blocks, item =>
        {
            var (n, tileRow, firstColumn) = g.Block(item);
            float* v = (_threadWork ??= new ThreadWorkBuffer()).Get(vLength + mLength + g.InputLength + g.StagingLength);
            float* m = v + vLength, copy = m + mLength, staging = copy + g.InputLength;
            int y0 = g.BlockRows * tileRow, x0 = g.BlockRows * firstColumn;
            if (inputChannelsLast) CopyChannelsLastInput(g, n, y0 - s.Dilation, x0 - s.Dilation, input, before, copy);
            else CopyInput(g, n, y0 - s.Dilation, x0 - s.Dilation, input, before, copy);
            for (int first = 0; first < tiles; first += TileRows)
            {
                int count = Math.Min(TileRows, tiles - first);
                int rows = (count + WinogradTileGemm.RowBlock - 1) / WinogradTileGemm.RowBlock * WinogradTileGemm.RowBlock;
                for (int k = 0; k < count; k++)
                {
                    var (rowPhase, columnPhase, column) = g.Tile(first + k);
                    float* origin = copy + g.InputOffset(rowPhase, columnPhase, column);
                    for (int c = 0; c < g.InPadded; c += 16)
                        TransformInputTile(origin + c, g.TileRowStep, g.TileColumnStep, v + (long)k * g.InPadded + c, vStride);
                }
                // The GEMM runs on whole row blocks: rows of absent tiles are zeros, so their products are zeros too.
                for (int p = 0; p < Positions; p++)
                    new Span<float>(v + p * vStride + (long)count * g.InPadded, (rows - count) * g.InPadded).Clear();
                for (int p = 0; p < Positions; p++)
                    WinogradTileGemm.Multiply(v + p * vStride, g.InPadded, transformed + (long)p * g.InPadded * outPadded,
                        outPadded, m + p * mStride, outPadded, rows, s.InChannels, outPadded);
                for (int k = 0; k < count; k++)
                {
                    var (rowPhase, columnPhase, column) = g.Tile(first + k);
                    float* target = staging + g.StagedPixel(rowPhase, columnPhase + s.Dilation * OutputTile * column);
                    for (int o = 0; o < outPadded; o += 16)
                        TransformOutputTile(m + (long)k * outPadded + o, mStride, s.Dilation * g.StagingColumns * outPadded,
                            s.Dilation * outPadded, target + o);
                }
            }
            int columns = Math.Min(g.BlockColumns, s.Width - x0);
            for (int y = y0; y < Math.Min(s.Height, y0 + g.BlockRows); y++)
            {
                float* stagedRow = staging + g.StagedPixel(y - y0, 0);
                if (outputChannelsLast) FinishChannelsLast(g, n, y, x0, columns, stagedRow, after, residual, residualChannels, residualOffset, output);
                else Finish(g, n, y, x0, columns, stagedRow, after, residual, residualChannels, residualOffset, output);
            }
        });
    }

    /// <summary>
    /// The input transform of one tile for 16 channels: 36 vectors loaded from the padded buffer (tile row a at
    /// a·rowStep, column b at b·columnStep), Bᵀ on the columns, then on the rows, stored at position p = 6a + b as
    /// target + p·positionStride.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TransformInputTile(float* origin, long rowStep, long columnStep, float* target, long positionStride)
    {
        Vector512<float>* t = stackalloc Vector512<float>[Positions];
        for (int a = 0; a < InputTile; a++)
        for (int b = 0; b < InputTile; b++)
            t[a * InputTile + b] = Vector512.Load(origin + a * rowStep + b * columnStep);
        for (int b = 0; b < InputTile; b++)
            Input(ref t[b], ref t[6 + b], ref t[12 + b], ref t[18 + b], ref t[24 + b], ref t[30 + b]);
        for (int a = 0; a < InputTile; a++)
        {
            int r = a * InputTile;
            Input(ref t[r], ref t[r + 1], ref t[r + 2], ref t[r + 3], ref t[r + 4], ref t[r + 5]);
        }
        for (int p = 0; p < Positions; p++)
            t[p].Store(target + p * positionStride);
    }

    /// <summary>
    /// The output transform of one tile for 16 output channels (M at source + p·positionStride) into the block's
    /// channels-last staging: output (i, j) of the tile at target + i·rowStep + j·columnStep, 16 channels per store.
    /// Pixels past the image land in staging that is never read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutputTile(float* source, long positionStride, long rowStep, long columnStep, float* target)
    {
        Vector512<float>* half = stackalloc Vector512<float>[OutputTile * InputTile];  // Aᵀ M: 4×6
        for (int b = 0; b < InputTile; b++)
        {
            Output(Vector512.Load(source + b * positionStride), Vector512.Load(source + (6 + b) * positionStride),
                Vector512.Load(source + (12 + b) * positionStride), Vector512.Load(source + (18 + b) * positionStride),
                Vector512.Load(source + (24 + b) * positionStride), Vector512.Load(source + (30 + b) * positionStride),
                out half[b], out half[6 + b], out half[12 + b], out half[18 + b]);
        }
        for (int i = 0; i < OutputTile; i++, target += rowStep)
        {
            Vector512<float>* r = half + i * InputTile;
            Output(r[0], r[1], r[2], r[3], r[4], r[5], out var y0, out var y1, out var y2, out var y3);
            y0.Store(target); y1.Store(target + columnStep); y2.Store(target + 2 * columnStep); y3.Store(target + 3 * columnStep);
        }
    }

    /// <summary>
    /// Output row y of image n, columns firstColumn … firstColumn + width − 1, from the block's staging row
    /// [x][channel] to NCHW: per 16 channels and 16 columns, a transpose,
    /// then relu?((v − m)·k + b) per channel (the float32 operations of <see cref="ChannelNormalization.Apply"/>) and the
    /// residual add, stored as one vector.
    /// </summary>
    private static void Finish(TileGeometry g, int n, int y, int firstColumn, int width, float* stagedRow, ChannelNormalization? after,
        float* residual, int residualChannels, int residualOffset, float* output)
    {
        var s = g.Sizes;
        long plane = (long)s.Height * s.Width;
        Vector512<float>* block = stackalloc Vector512<float>[16];
        float* tail = stackalloc float[16];
        for (int o0 = 0; o0 < s.OutChannels; o0 += 16)
        {
            int channels = Math.Min(16, s.OutChannels - o0);
            for (int x0 = 0; x0 < width; x0 += 16)
            {
                int columns = Math.Min(16, width - x0);
                float* from = stagedRow + (long)x0 * g.OutPadded + o0;
                for (int j = 0; j < 16; j++) block[j] = Vector512.Load(from + j * g.OutPadded);
                Transpose16x16.InPlace(block);    // block[k] = channel o0 + k at columns x0 … x0 + 15
                for (int k = 0; k < channels; k++)
                {
                    int o = o0 + k;
                    var value = block[k];
                    if (after is { } norm)
                    {
                        value = Vector512.FusedMultiplyAdd(value - Vector512.Create(norm.Means[o]), Vector512.Create(norm.Scales[o]),
                            Vector512.Create(norm.Biases[o]));
                        if (norm.Relu) value = Vector512.Max(value, Vector512<float>.Zero);
                    }
                    long pixel = (long)y * s.Width + firstColumn + x0;
                    float* target = output + ((long)n * s.OutChannels + o) * plane + pixel;
                    int skipChannel = o - residualOffset;
                    float* skip = residual != null && (uint)skipChannel < (uint)residualChannels
                        ? residual + ((long)n * residualChannels + skipChannel) * plane + pixel : null;
                    if (columns == 16)
                    {
                        if (skip != null) value += Vector512.Load(skip);
                        value.Store(target);
                    }
                    else
                    {
                        value.Store(tail);
                        for (int x = 0; x < columns; x++) target[x] = skip != null ? tail[x] + skip[x] : tail[x];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies the block's input rectangle (image rows from <paramref name="top"/>, columns from <paramref name="left"/>,
    /// <see cref="TileGeometry.InputRows"/> × <see cref="TileGeometry.InputColumns"/>) through <paramref name="before"/>
    /// into the channels-last copy [row][column][channel]; pixels outside the image are zero (they pad the normalized
    /// tensor). Per 16 channels and 16 columns: 16 row loads, the batch norm (+ ReLU) per channel, a transpose, and 16
    /// stores of one pixel's 16 channels.
    /// </summary>
    internal static void CopyInput(TileGeometry g, int n, int top, int left, float* input, ChannelNormalization? before, float* copy)
    {
        var s = g.Sizes;
        Vector512<float>* block = stackalloc Vector512<float>[16];
        float* lanes = stackalloc float[16];
        long rowFloats = (long)g.InputColumns * g.InPadded;
        for (int r = 0; r < g.InputRows; r++)
        {
            int y = top + r;
            float* target = copy + r * rowFloats;
            if (y < 0 || y >= s.Height)
            {
                new Span<float>(target, checked((int)rowFloats)).Clear();
                continue;
            }
            for (int x0 = 0; x0 < g.InputColumns; x0 += 16)
            {
                int x = left + x0;
                // Columns x … x + 15 of the image; the lanes outside [0, W) must end up zero.
                int inside0 = Math.Max(0, -x), inside1 = Math.Min(16, s.Width - x);
                bool whole = inside0 == 0 && inside1 == 16;
                for (int c0 = 0; c0 < g.InPadded; c0 += 16)
                {
                    for (int k = 0; k < 16; k++)
                    {
                        int c = c0 + k;
                        if (c >= s.InChannels || inside1 <= inside0)
                        {
                            block[k] = Vector512<float>.Zero;
                            continue;
                        }
                        float* from = input + (((long)n * s.InChannels + c) * s.Height + y) * s.Width + x;
                        Vector512<float> value;
                        if (whole) value = Vector512.Load(from);
                        else
                        {
                            new Span<float>(lanes, 16).Clear();
                            for (int j = inside0; j < inside1; j++) lanes[j] = from[j];
                            value = Vector512.Load(lanes);
                        }
                        if (before is { } norm)
                        {
                            value = Vector512.FusedMultiplyAdd(value - Vector512.Create(norm.Means[c]), Vector512.Create(norm.Scales[c]),
                                Vector512.Create(norm.Biases[c]));
                            if (norm.Relu) value = Vector512.Max(value, Vector512<float>.Zero);
                            if (!whole)
                            {
                                // The normalization turned the outside zeros into the channel's bias: zero them again.
                                value.Store(lanes);
                                for (int j = 0; j < 16; j++)
                                    if (j < inside0 || j >= inside1) lanes[j] = 0;
                                value = Vector512.Load(lanes);
                            }
                        }
                        block[k] = value;
                    }
                    Transpose16x16.InPlace(block);    // block[j] = the 16 channels of column x0 + j
                    float* pixel = target + (long)x0 * g.InPadded + c0;
                    for (int j = 0; j < 16; j++) block[j].Store(pixel + (long)j * g.InPadded);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Finish"/> for a channels-last output (and residual): output row y of image n is
    /// [x][channel] already, so each 16 channels of a pixel get the batch norm (+ ReLU) as one
    /// <see cref="ChannelNormalization.Apply16"/> and the skip as one load; no transpose. The same float32 operations in the same order as
    /// <see cref="Finish"/>, so both layouts hold the same bits.
    /// </summary>
    private static void FinishChannelsLast(TileGeometry g, int n, int y, int firstColumn, int width, float* stagedRow,
        ChannelNormalization? after, float* residual, int residualChannels, int residualOffset, float* output)
    {
        var s = g.Sizes;
        int channels = s.OutChannels;
        long firstPixel = ((long)n * s.Height + y) * s.Width + firstColumn;
        float* skipLanes = stackalloc float[16];
        for (int x = 0; x < width; x++)
        {
            float* from = stagedRow + (long)x * g.OutPadded;
            float* target = output + (firstPixel + x) * channels;
            float* skipPixel = residual == null ? null : residual + (firstPixel + x) * residualChannels;
            for (int o0 = 0; o0 < channels; o0 += 16)
            {
                var value = Vector512.Load(from + o0);
                if (after is { } norm) value = norm.Apply16(value, o0);
                if (skipPixel != null)
                {
                    // Skip channel r lands on output channel r + residualOffset; the offset need not be a multiple of 16.
                    int first = o0 - residualOffset;
                    if (first >= 0 && first + 16 <= residualChannels) value += Vector512.Load(skipPixel + first);
                    else if (first + 16 > 0 && first < residualChannels)
                    {
                        for (int k = 0; k < 16; k++)
                            skipLanes[k] = (uint)(first + k) < (uint)residualChannels ? skipPixel[first + k] : 0f;
                        value += Vector512.Load(skipLanes);
                    }
                }
                value.Store(target + o0);
            }
        }
    }

    /// <summary>
    /// <see cref="CopyInput"/> from a channels-last input: each pixel's channels are already contiguous, so a row of the
    /// block's copy is the input row's pixels, through the batch norm (+ ReLU) 16 channels at a time, and zeros outside
    /// the image. Requires InChannels = InPadded (a multiple of 16).
    /// </summary>
    internal static void CopyChannelsLastInput(TileGeometry g, int n, int top, int left, float* input, ChannelNormalization? before, float* copy)
    {
        var s = g.Sizes;
        int channels = s.InChannels;
        long rowFloats = (long)g.InputColumns * channels;
        int inside0 = Math.Max(0, -left), inside1 = Math.Min(g.InputColumns, s.Width - left);
        for (int r = 0; r < g.InputRows; r++)
        {
            int y = top + r;
            float* target = copy + r * rowFloats;
            if (y < 0 || y >= s.Height || inside1 <= inside0)
            {
                new Span<float>(target, checked((int)rowFloats)).Clear();
                continue;
            }
            new Span<float>(target, inside0 * channels).Clear();
            new Span<float>(target + (long)inside1 * channels, (g.InputColumns - inside1) * channels).Clear();
            float* from = input + (((long)n * s.Height + y) * s.Width + left + inside0) * channels;
            float* to = target + (long)inside0 * channels;
            long count = (long)(inside1 - inside0) * channels;
            if (before is not { } norm)
            {
                new ReadOnlySpan<float>(from, checked((int)count)).CopyTo(new Span<float>(to, checked((int)count)));
                continue;
            }
            for (long i = 0; i < count; i += channels)
            for (int c0 = 0; c0 < channels; c0 += 16)
                norm.Apply16(Vector512.Load(from + i + c0), c0).Store(to + i + c0);
        }
    }
}
