using System.Runtime.CompilerServices;
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
/// 2. Per work item, a chunk of up to <see cref="TileRows"/> tiles of one (image, row phase): the input transform
///    V = Bᵀ d B of each tile, 16 channels per vector, into V[position][tile][channel];
/// 3. 36 GEMMs M[position] = V[position] · U[position] (<see cref="WinogradTileGemm"/>, U from
///    <see cref="WinogradWeightCache"/>);
/// 4. the output transform Aᵀ M A, the output batch norm (+ ReLU) as vectors over 16 channels, the residual add and
///    the stores into the NCHW output.
/// Every output value is computed by one work item in a fixed order: bit-identical for any thread count.
/// </summary>
internal static unsafe class WinogradConvolution
{
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

        // The output batch norm's constants, zero beyond Cout so that whole 16-channel vectors can be loaded.
        int outPadded = g.OutPadded;
        using var constants = scratch.Rent(3L * outPadded);
        float* mean = constants.Pointer, scale = mean + outPadded, bias = scale + outPadded;
        new Span<float>(mean, 3 * outPadded).Clear();
        if (after is { } norm)
        {
            new ReadOnlySpan<float>(norm.Means, s.OutChannels).CopyTo(new Span<float>(mean, s.OutChannels));
            new ReadOnlySpan<float>(norm.Scales, s.OutChannels).CopyTo(new Span<float>(scale, s.OutChannels));
            new ReadOnlySpan<float>(norm.Biases, s.OutChannels).CopyTo(new Span<float>(bias, s.OutChannels));
        }
        var epilogue = new Epilogue(after is not null, after?.Relu ?? false, mean, scale, bias, residual, residualChannels, residualOffset);

        float* paddedInput = padded.Pointer;
        int chunks = (g.TilesPerPhaseRow + TileRows - 1) / TileRows;
        long vLength = (long)Positions * TileRows * g.InPadded, mLength = (long)Positions * TileRows * outPadded;
        workers.For(s.Batch * s.Dilation * chunks, item =>
        {
            int n = item / (s.Dilation * chunks), rowPhase = item / chunks % s.Dilation, chunk = item % chunks;
            int first = chunk * TileRows, count = Math.Min(TileRows, g.TilesPerPhaseRow - first);
            int rows = (count + WinogradTileGemm.RowBlock - 1) / WinogradTileGemm.RowBlock * WinogradTileGemm.RowBlock;
            using var work = scratch.Rent(vLength + mLength);
            float* v = work.Pointer, m = v + vLength;
            for (int k = 0; k < count; k++)
            {
                var tile = g.Tile(n, rowPhase, first + k);
                float* origin = paddedInput + g.PaddedOffset(tile);
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
                var tile = g.Tile(n, rowPhase, first + k);
                for (int o = 0; o < s.OutChannels; o += 16)
                    TransformOutputTile(m + (long)k * outPadded + o, (long)TileRows * outPadded, s, tile, o, epilogue, output);
            }
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
    /// The output transform of one tile for output channels o … o + 15 (M at source + p·positionStride), then the
    /// epilogue and the stores of the 4×4 pixels that lie inside the image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutputTile(float* source, long positionStride, ConvolutionSizes s, TileGeometry.TilePosition tile,
        int o, in Epilogue epilogue, float* output)
    {
        Vector512<float>* half = stackalloc Vector512<float>[OutputTile * InputTile];  // Aᵀ M: 4×6
        for (int b = 0; b < InputTile; b++)
        {
            Output(Vector512.Load(source + b * positionStride), Vector512.Load(source + (6 + b) * positionStride),
                Vector512.Load(source + (12 + b) * positionStride), Vector512.Load(source + (18 + b) * positionStride),
                Vector512.Load(source + (24 + b) * positionStride), Vector512.Load(source + (30 + b) * positionStride),
                out half[b], out half[6 + b], out half[12 + b], out half[18 + b]);
        }
        float* lanes = stackalloc float[16];
        int d = s.Dilation, validChannels = Math.Min(16, s.OutChannels - o);
        long plane = (long)s.Height * s.Width;
        for (int i = 0; i < OutputTile; i++)
        {
            int y = tile.RowPhase + d * (OutputTile * tile.Row + i);
            if (y >= s.Height) break;
            Vector512<float>* r = half + i * InputTile;
            Output(r[0], r[1], r[2], r[3], r[4], r[5], out var y0, out var y1, out var y2, out var y3);
            for (int j = 0; j < OutputTile; j++)
            {
                int x = tile.ColumnPhase + d * (OutputTile * tile.Column + j);
                if (x >= s.Width) break;
                var value = j switch { 0 => y0, 1 => y1, 2 => y2, _ => y3 };
                epilogue.Normalize(value, o).Store(lanes);
                long pixel = (long)y * s.Width + x;
                float* target = output + ((long)tile.Image * s.OutChannels + o) * plane + pixel;
                // NCHW: the 16 channels of one pixel are a plane apart, so they leave the vector one by one.
                for (int l = 0; l < validChannels; l++)
                    target[l * plane] = lanes[l] + epilogue.Skip(tile.Image, o + l, pixel, plane);
            }
        }
    }

    /// <summary>Copies the input (through <paramref name="before"/>) into the zero-padded channels-last buffer.</summary>
    private static void Pad(CpuWorkers workers, TileGeometry g, float* input, ChannelNormalization? before, float* padded)
    {
        var s = g.Sizes;
        workers.For(s.Batch * g.PaddedRows, item =>
        {
            int n = item / g.PaddedRows, row = item % g.PaddedRows, y = row - s.Dilation;
            float* target = padded + n * g.ImageStride + row * g.RowStride;
            new Span<float>(target, checked((int)g.RowStride)).Clear();
            if (y < 0 || y >= s.Height) return;
            target += (long)s.Dilation * g.InPadded;
            float* normalized = stackalloc float[before is null ? 0 : s.Width];
            for (int c = 0; c < s.InChannels; c++)
            {
                float* from = input + (((long)n * s.InChannels + c) * s.Height + y) * s.Width;
                if (before is { } norm)
                {
                    norm.Apply(c, from, normalized, s.Width);
                    from = normalized;
                }
                for (int x = 0; x < s.Width; x++) target[(long)x * g.InPadded + c] = from[x];
            }
        });
    }

    /// <summary>The output batch norm (+ ReLU) as 16-channel vectors and the residual add.</summary>
    private readonly struct Epilogue(bool normalize, bool relu, float* mean, float* scale, float* bias, float* residual,
        int residualChannels, int residualOffset)
    {
        /// <summary>relu?((v − m)·k + b) for output channels o … o + 15: the float32 operations of <see cref="ChannelNormalization.Apply"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Normalize(Vector512<float> value, int o)
        {
            if (!normalize) return value;
            value = Vector512.FusedMultiplyAdd(value - Vector512.Load(mean + o), Vector512.Load(scale + o), Vector512.Load(bias + o));
            return relu ? Vector512.Max(value, Vector512<float>.Zero) : value;
        }

        /// <summary>The residual value for output channel o at pixel of image n, or 0 outside the skip's channels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Skip(int n, int o, long pixel, long plane)
        {
            int skipChannel = o - residualOffset;
            return residual != null && (uint)skipChannel < (uint)residualChannels
                ? residual[((long)n * residualChannels + skipChannel) * plane + pixel] : 0f;
        }
    }
}
