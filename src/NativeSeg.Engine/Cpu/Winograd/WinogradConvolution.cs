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
/// Stages, per call:
/// 1. Pad: the input (through the input batch norm + ReLU, if any) is copied into a zero-padded channels-last buffer
///    [n][row][column][channel], channels rounded up to 16, so that one <see cref="Vector512{T}"/> load reads 16
///    channels of one pixel. Padding: d on the top and left, and on the bottom and right enough for whole tiles.
/// 2. Per work item, one band of output rows (one tile row of every phase, 4·d rows) of one image, in chunks of
///    <see cref="TileRows"/> tiles: the input transform V = Bᵀ d B of each tile, 16 channels per vector, into
///    V[position][tile][channel];
/// 3. 36 GEMMs M[position] = V[position] · U[position] (<see cref="WinogradTileGemm"/>, U from
///    <see cref="WinogradWeightCache"/>);
/// 4. the output transform Aᵀ M A into the band's channels-last staging buffer [y][x][channel] (per thread, in L2);
/// 5. when the band is complete, per output row, 16×16 transposes back to NCHW (<see cref="Transpose16x16"/>), the output batch norm (+ ReLU) and
///    the residual add on 16 neighbouring pixels of one channel at a time, and contiguous stores.
/// Every output value is computed by one work item in a fixed order: bit-identical for any thread count.
/// </summary>
[SkipLocalsInit]
internal static unsafe class WinogradConvolution
{
    /// <summary>
    /// Each worker thread's V and M buffers, kept for the thread's life and grown when needed. Renting them per work
    /// item from the shared <see cref="ScratchPool"/> could hand an item a buffer too small to keep, whose replacement
    /// then pays a page fault per 4 KiB on first touch.
    /// </summary>
    [ThreadStatic]
    private static WorkBuffer? _threadWork;

    /// <summary>
    /// Tiles per work item: V and M of a 64-channel layer then take 2 × 221 KB, which stay in L2 beside the 590 KB of
    /// U while the 36 GEMMs run. A multiple of <see cref="WinogradTileGemm.RowBlock"/>.
    /// </summary>
    public const int TileRows = 24;

    /// <summary>Winograd computes 3×3 kernels only; everything else stays on the direct path.</summary>
    public static bool Supports(ConvolutionSizes s) => s.Kernel == 3;

    /// <summary>
    /// output = epilogue(conv(before(input), weights)) for [N, Cin, H, W] → [N, Cout, H, W];
    /// <paramref name="transformed"/> from <see cref="WinogradWeightCache"/>; residual [N, residualChannels, H, W]
    /// added at output channels residualOffset …, or null.
    /// </summary>
    public static void Forward(CpuWorkers workers, ScratchPool scratch, ConvolutionSizes s, float* input,
        ChannelNormalization? before, float* transformed, ChannelNormalization? after, float* residual,
        int residualChannels, int residualOffset, float* output)
    {
        var g = new TileGeometry(s);
        using var padded = scratch.Rent(g.PaddedLength);
        Pad(workers, g, input, before, padded.Pointer);

        int outPadded = g.OutPadded;
        float* paddedInput = padded.Pointer;
        long vLength = (long)Positions * TileRows * g.InPadded, mLength = (long)Positions * TileRows * outPadded;
        int tiles = g.TilesPerBand;
        workers.For(s.Batch * g.TileRowsPerPhase, item =>
        {
            int n = item / g.TileRowsPerPhase, band = item % g.TileRowsPerPhase;
            float* v = (_threadWork ??= new WorkBuffer()).Get(vLength + mLength + g.BandStagingLength), m = v + vLength, staging = m + mLength;
            for (int first = 0; first < tiles; first += TileRows)
            {
                int count = Math.Min(TileRows, tiles - first);
                int rows = (count + WinogradTileGemm.RowBlock - 1) / WinogradTileGemm.RowBlock * WinogradTileGemm.RowBlock;
                for (int k = 0; k < count; k++)
                {
                    float* origin = paddedInput + g.PaddedOffset(g.Tile(n, band, first + k));
                    for (int c = 0; c < g.InPadded; c += 16)
                        TransformInputTile(origin + c, g.TileRowStep, g.TileColumnStep, v + (long)k * g.InPadded + c, (long)TileRows * g.InPadded);
                }
                // The GEMM runs on whole row blocks: rows of absent tiles are zeros, so their products are zeros too.
                for (int p = 0; p < Positions; p++)
                    new Span<float>(v + ((long)p * TileRows + count) * g.InPadded, (rows - count) * g.InPadded).Clear();
                for (int p = 0; p < Positions; p++)
                    WinogradTileGemm.Multiply(v + (long)p * TileRows * g.InPadded, g.InPadded, transformed + (long)p * g.InPadded * outPadded,
                        outPadded, m + (long)p * TileRows * outPadded, outPadded, rows, s.InChannels, outPadded);
                for (int k = 0; k < count; k++)
                {
                    var tile = g.Tile(n, band, first + k);
                    for (int o = 0; o < outPadded; o += 16)
                        TransformOutputTile(m + (long)k * outPadded + o, (long)TileRows * outPadded, g, tile, staging + o);
                }
            }
            int y0 = g.BandRows * band;
            for (int y = y0; y < Math.Min(s.Height, y0 + g.BandRows); y++)
                Finish(g, n, y, staging + g.StagedPixel(y - y0, 0), after, residual, residualChannels, residualOffset, output);
        });
    }

    /// <summary>
    /// The input transform of one tile for 16 channels: 36 vectors loaded from the padded buffer (tile row a at
    /// a·rowStep, column b at b·columnStep), Bᵀ on the columns, then on the rows, stored at position p = 6a + b as
    /// target + p·positionStride.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInputTile(float* origin, long rowStep, long columnStep, float* target, long positionStride)
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
    /// The output transform of one tile for 16 output channels (M at source + p·positionStride): the 4×4 pixels that
    /// lie inside the image go to the channels-last staging buffer, 16 channels per store.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutputTile(float* source, long positionStride, TileGeometry g, TileGeometry.TilePosition tile, float* staging)
    {
        Vector512<float>* half = stackalloc Vector512<float>[OutputTile * InputTile];  // Aᵀ M: 4×6
        for (int b = 0; b < InputTile; b++)
        {
            Output(Vector512.Load(source + b * positionStride), Vector512.Load(source + (6 + b) * positionStride),
                Vector512.Load(source + (12 + b) * positionStride), Vector512.Load(source + (18 + b) * positionStride),
                Vector512.Load(source + (24 + b) * positionStride), Vector512.Load(source + (30 + b) * positionStride),
                out half[b], out half[6 + b], out half[12 + b], out half[18 + b]);
        }
        var s = g.Sizes;
        int d = s.Dilation;
        for (int i = 0; i < OutputTile; i++)
        {
            int y = tile.RowPhase + d * (OutputTile * tile.Row + i);
            if (y >= s.Height) break;
            Vector512<float>* r = half + i * InputTile;
            Output(r[0], r[1], r[2], r[3], r[4], r[5], out var y0, out var y1, out var y2, out var y3);
            int x = tile.ColumnPhase + d * OutputTile * tile.Column;
            float* row = staging + g.StagedPixel(y - g.BandRows * tile.Row, x);
            long step = (long)d * g.OutPadded;
            // Columns past the image land in the staging row's spare columns (StagingWidth ≥ 4·d·tiles), never read.
            y0.Store(row); y1.Store(row + step); y2.Store(row + 2 * step); y3.Store(row + 3 * step);
        }
    }

    /// <summary>
    /// Output row y of image n from its staging row [x][channel] to NCHW: per 16 channels and 16 columns, a transpose,
    /// then relu?((v − m)·k + b) per channel (the float32 operations of <see cref="ChannelNormalization.Apply"/>) and the
    /// residual add, stored as one vector.
    /// </summary>
    private static void Finish(TileGeometry g, int n, int y, float* stagedRow, ChannelNormalization? after, float* residual,
        int residualChannels, int residualOffset, float* output)
    {
        var s = g.Sizes;
        long plane = (long)s.Height * s.Width;
        Vector512<float>* block = stackalloc Vector512<float>[16];
        float* tail = stackalloc float[16];
        for (int o0 = 0; o0 < s.OutChannels; o0 += 16)
        {
            int channels = Math.Min(16, s.OutChannels - o0);
            for (int x0 = 0; x0 < s.Width; x0 += 16)
            {
                int columns = Math.Min(16, s.Width - x0);
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
                    float* target = output + ((long)n * s.OutChannels + o) * plane + (long)y * s.Width + x0;
                    int skipChannel = o - residualOffset;
                    float* skip = residual != null && (uint)skipChannel < (uint)residualChannels
                        ? residual + ((long)n * residualChannels + skipChannel) * plane + (long)y * s.Width + x0 : null;
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
    /// Copies the input (through <paramref name="before"/>) into the zero-padded channels-last buffer, one work item per
    /// (image, padded row): per 16 channels and 16 columns, 16 row loads, the batch norm (+ ReLU) per channel, a
    /// transpose, and 16 stores of one pixel's 16 channels.
    /// </summary>
    private static void Pad(CpuWorkers workers, TileGeometry g, float* input, ChannelNormalization? before, float* padded)
    {
        var s = g.Sizes;
        workers.For(s.Batch * g.PaddedRows, item =>
        {
            int n = item / g.PaddedRows, row = item % g.PaddedRows, y = row - s.Dilation;
            float* target = padded + n * g.ImageStride + row * g.RowStride;
            if (y < 0 || y >= s.Height)
            {
                new Span<float>(target, checked((int)g.RowStride)).Clear();
                return;
            }
            // Zero only what the copy below does not write: the left and right padding (whole 16-channel groups are
            // written for every image pixel, the channels past Cin as zeros).
            long left = (long)s.Dilation * g.InPadded, right = left + (long)s.Width * g.InPadded;
            new Span<float>(target, (int)left).Clear();
            new Span<float>(target + right, checked((int)(g.RowStride - right))).Clear();
            target += left;
            Vector512<float>* block = stackalloc Vector512<float>[16];
            float* tail = stackalloc float[16];
            for (int c0 = 0; c0 < g.InPadded; c0 += 16)
            {
                int channels = Math.Max(0, Math.Min(16, s.InChannels - c0));
                for (int x0 = 0; x0 < s.Width; x0 += 16)
                {
                    int columns = Math.Min(16, s.Width - x0);
                    for (int k = 0; k < 16; k++)
                    {
                        if (k >= channels)
                        {
                            block[k] = Vector512<float>.Zero;
                            continue;
                        }
                        int c = c0 + k;
                        float* from = input + (((long)n * s.InChannels + c) * s.Height + y) * s.Width + x0;
                        Vector512<float> value;
                        if (columns == 16) value = Vector512.Load(from);
                        else
                        {
                            new Span<float>(tail, 16).Clear();
                            new ReadOnlySpan<float>(from, columns).CopyTo(new Span<float>(tail, 16));
                            value = Vector512.Load(tail);
                        }
                        if (before is { } norm)
                        {
                            value = Vector512.FusedMultiplyAdd(value - Vector512.Create(norm.Means[c]), Vector512.Create(norm.Scales[c]),
                                Vector512.Create(norm.Biases[c]));
                            if (norm.Relu) value = Vector512.Max(value, Vector512<float>.Zero);
                        }
                        block[k] = value;
                    }
                    Transpose16x16.InPlace(block);    // block[j] = the 16 channels of pixel x0 + j
                    for (int j = 0; j < columns; j++) block[j].Store(target + (long)(x0 + j) * g.InPadded + c0);
                }
            }
        });
    }

    /// <summary>A 64-byte-aligned native buffer that grows; freed by the finalizer when its thread ends.</summary>
    private sealed class WorkBuffer
    {
        private float* _pointer;
        private long _capacity;

        public float* Get(long floats)
        {
            if (floats > _capacity)
            {
                NativeMemory.AlignedFree(_pointer);
                _pointer = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
                _capacity = floats;
            }
            return _pointer;
        }

        ~WorkBuffer() => NativeMemory.AlignedFree(_pointer);
    }
}
