using ILGPU;
using NativeSeg.Kernels;

namespace NativeSeg.Kernels.Dev.Versions;

/// <summary>
/// Forward 3×3 dilated convolution, version 4: V3 with twice the pixels per thread. Each thread computes
/// 4 rows × 2 columns (x and x + 32) × 8 output channels = 64 sums in registers. Per input channel a thread reads
/// 72 weights (9 <see cref="Block8"/>) and 9 × 8 input values from shared memory for 576 multiply-adds: 4.0
/// multiply-adds per shared load, against 2.7 in V3 (72 + 36 loads for 288). An SM issues four times as many FP32
/// lanes per clock as shared-memory load lanes, so V3 is bound by its loads and V4 should be up to 1.5× faster,
/// at the price of more registers (fewer resident groups) and a wider tile (64 columns: 5 tiles span 296 columns).
///
/// A group of DimX threads (256 on the GPU) owns (DimX/32)·4 rows × 64 columns of one image (32×64) and 8 output
/// channels; it stages <see cref="InputChannelChunk"/> input channels' haloed tiles per barrier pair.
/// Sum order per output: input channel, kernel row, kernel column, as V1–V3.
/// </summary>
public static class ConvolutionForwardV4Kernels
{
    /// <summary>One warp spans 32 columns; each thread also does the column 32 to its right.</summary>
    public const int WarpColumns = 32;
    public const int TileWidth = 2 * WarpColumns;

    /// <summary>Output rows per thread, one below the other.</summary>
    public const int RowsPerThread = 4;

    /// <summary>Output channels per group and per thread (the lanes of <see cref="Block8"/>).</summary>
    public const int OutChannelBlock = 8;

    /// <summary>Input channels staged in shared memory between two barriers.</summary>
    public const int InputChannelChunk = 2;

    /// <summary>The largest dilation the halo is sized for; the backend falls back to V1 above it.</summary>
    public const int MaxDilation = 4;

    private const int MaxTileHeight = KernelConstants.MaxGroupSize / WarpColumns * RowsPerThread;
    private const int MaxHaloCount = (MaxTileHeight + 2 * MaxDilation) * (TileWidth + 2 * MaxDilation);
    private const int WeightChunk = InputChannelChunk * 9 * OutChannelBlock;

    /// <summary>Shared memory of one group: 2 haloed 40×72 tiles and 144 weights, 23.6 KB (under 48 KB).</summary>
    public const int SharedBytes = (InputChannelChunk * MaxHaloCount + WeightChunk) * sizeof(float);

    /// <summary>Output rows of one group's tile for a given group size.</summary>
    public static int TileHeight(int groupSize) => groupSize / WarpColumns * RowsPerThread;

    /// <summary>Groups a launch needs: one per (image, tile, output-channel block).</summary>
    public static int Groups(ConvolutionGeometry g, int groupSize) =>
        g.Batch * ((g.Height + TileHeight(groupSize) - 1) / TileHeight(groupSize)) * ((g.Width + TileWidth - 1) / TileWidth)
            * ((g.OutChannels + OutChannelBlock - 1) / OutChannelBlock);

    /// <summary>The kernel (3×3 weights, dilation ≤ <see cref="MaxDilation"/>, explicitly grouped, DimX a multiple of 32).</summary>
    public static void ConvolutionForwardV4(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> output,
        ConvolutionGeometry g)
    {
        var tiles = SharedMemory.Allocate<float>(InputChannelChunk * MaxHaloCount);
        var weightBlock = SharedMemory.Allocate<float>(WeightChunk);

        int tileHeight = TileHeight(Group.DimX);
        int tilesX = (g.Width + TileWidth - 1) / TileWidth;
        int tilesY = (g.Height + tileHeight - 1) / tileHeight;
        int blocks = (g.OutChannels + OutChannelBlock - 1) / OutChannelBlock;
        // The output-channel block varies fastest, so groups that run together read the same input tile (L2 hits).
        int group = Grid.IdxX;
        int block = group % blocks;
        int tileX = group / blocks % tilesX;
        int tileY = group / (blocks * tilesX) % tilesY;
        int n = group / (blocks * tilesX * tilesY);

        int thread = Group.IdxX;
        int tx = thread % WarpColumns;
        int firstRow = thread / WarpColumns * RowsPerThread;
        int d = g.Dilation;
        int haloWidth = TileWidth + 2 * d;
        int haloCount = (tileHeight + 2 * d) * haloWidth;
        int originY = tileY * tileHeight - d;
        int originX = tileX * TileWidth - d;
        int plane = g.Plane;
        int firstOut = block * OutChannelBlock;

        // accRC: row R of the thread's 4, column C (0: x, 1: x + 32).
        var acc00 = new Block8(); var acc10 = new Block8(); var acc20 = new Block8(); var acc30 = new Block8();
        var acc01 = new Block8(); var acc11 = new Block8(); var acc21 = new Block8(); var acc31 = new Block8();
        for (int chunk = 0; chunk < g.InChannels; chunk += InputChannelChunk)
        {
            Group.Barrier();
            for (int t = thread; t < InputChannelChunk * haloCount; t += Group.DimX)
            {
                int c = t / haloCount;
                int h = t % haloCount;
                int sy = originY + h / haloWidth;
                int sx = originX + h % haloWidth;
                int i = chunk + c;
                bool inside = i < g.InChannels && sy >= 0 && sy < g.Height && sx >= 0 && sx < g.Width;
                tiles[t] = inside ? input[((n * g.InChannels + i) * g.Height + sy) * g.Width + sx] : 0f;
            }
            for (int t = thread; t < WeightChunk; t += Group.DimX)
            {
                int lane = t % OutChannelBlock;
                int tap = t / OutChannelBlock % 9;
                int c = t / (9 * OutChannelBlock);
                int o = firstOut + lane;
                int i = chunk + c;
                weightBlock[t] = o < g.OutChannels && i < g.InChannels ? weights[(o * g.InChannels + i) * 9 + tap] : 0f;
            }
            Group.Barrier();

            int channels = IntrinsicMath.Min(InputChannelChunk, g.InChannels - chunk);
            for (int c = 0; c < channels; c++)
            {
                int tileBase = c * haloCount + firstRow * haloWidth + tx;
                for (int ky = 0; ky < 3; ky++)
                {
                    for (int kx = 0; kx < 3; kx++)
                    {
                        var w = Block8.Load(weightBlock, (c * 9 + ky * 3 + kx) * OutChannelBlock);
                        int at = tileBase + ky * d * haloWidth + kx * d;
                        int right = at + WarpColumns;
                        acc00 = acc00.MultiplyAdd(w, tiles[at]);
                        acc10 = acc10.MultiplyAdd(w, tiles[at + haloWidth]);
                        acc20 = acc20.MultiplyAdd(w, tiles[at + 2 * haloWidth]);
                        acc30 = acc30.MultiplyAdd(w, tiles[at + 3 * haloWidth]);
                        acc01 = acc01.MultiplyAdd(w, tiles[right]);
                        acc11 = acc11.MultiplyAdd(w, tiles[right + haloWidth]);
                        acc21 = acc21.MultiplyAdd(w, tiles[right + 2 * haloWidth]);
                        acc31 = acc31.MultiplyAdd(w, tiles[right + 3 * haloWidth]);
                    }
                }
            }
        }

        int y = tileY * tileHeight + firstRow;
        int lanes = IntrinsicMath.Min(OutChannelBlock, g.OutChannels - firstOut);
        int outBase = (n * g.OutChannels + firstOut) * plane + y * g.Width;
        int x0 = tileX * TileWidth + tx;
        int x1 = x0 + WarpColumns;
        if (x0 < g.Width)
        {
            if (y < g.Height) Store(output, outBase + x0, plane, lanes, acc00);
            if (y + 1 < g.Height) Store(output, outBase + g.Width + x0, plane, lanes, acc10);
            if (y + 2 < g.Height) Store(output, outBase + 2 * g.Width + x0, plane, lanes, acc20);
            if (y + 3 < g.Height) Store(output, outBase + 3 * g.Width + x0, plane, lanes, acc30);
        }
        if (x1 < g.Width)
        {
            if (y < g.Height) Store(output, outBase + x1, plane, lanes, acc01);
            if (y + 1 < g.Height) Store(output, outBase + g.Width + x1, plane, lanes, acc11);
            if (y + 2 < g.Height) Store(output, outBase + 2 * g.Width + x1, plane, lanes, acc21);
            if (y + 3 < g.Height) Store(output, outBase + 3 * g.Width + x1, plane, lanes, acc31);
        }
    }

    /// <summary>Writes the first `lanes` lanes of a pixel's block to consecutive output channels (stride = plane).</summary>
    private static void Store(ArrayView<float> output, int at, int plane, int lanes, Block8 v)
    {
        output[at] = v.A0;
        if (lanes > 1) output[at + plane] = v.A1;
        if (lanes > 2) output[at + 2 * plane] = v.A2;
        if (lanes > 3) output[at + 3 * plane] = v.A3;
        if (lanes > 4) output[at + 4 * plane] = v.A4;
        if (lanes > 5) output[at + 5 * plane] = v.A5;
        if (lanes > 6) output[at + 6 * plane] = v.A6;
        if (lanes > 7) output[at + 7 * plane] = v.A7;
    }
}
