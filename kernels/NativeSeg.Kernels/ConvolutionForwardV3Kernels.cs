using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>
/// Forward 3×3 dilated convolution, version 3: register blocking. Each thread computes
/// <see cref="PixelsPerThread"/> output pixels (a vertical run in one column) × <see cref="OutChannelBlock"/> output
/// channels = 32 sums held in registers (<see cref="Block8"/> per pixel), so every input value it reads from shared
/// memory feeds 8 multiply-adds and every weight it reads feeds 4. (V2 did 4 multiply-adds per input read, one pixel
/// per thread, one input channel per barrier.)
///
/// A group of DimX threads (256 on the GPU: 8 warps) owns an output tile of (DimX/32)·4 rows × 32 columns (32×32
/// on the GPU) of one image and 8 output channels. Per step it stages <see cref="InputChannelChunk"/> input
/// channels' haloed tiles (zeros outside the image, so the inner loop has no bounds checks) and their 8×4×9
/// weights in shared memory, with one barrier pair per chunk. A warp is one thread row: its 32 threads read 32
/// consecutive tile words (one per bank, no conflicts); the weights are read at one address per warp (broadcast).
///
/// Sum order per output: input channel, then kernel row, then kernel column, as V1 and V2.
/// </summary>
public static class ConvolutionForwardV3Kernels
{
    /// <summary>Output tile columns: one warp spans a tile row, so global reads of a row are coalesced.</summary>
    public const int TileWidth = 32;

    /// <summary>Output pixels per thread, one below the other.</summary>
    public const int PixelsPerThread = 4;

    /// <summary>Output channels per group and per thread (the lanes of <see cref="Block8"/>).</summary>
    public const int OutChannelBlock = 8;

    /// <summary>Input channels staged in shared memory between two barriers.</summary>
    public const int InputChannelChunk = 4;

    /// <summary>The largest dilation the halo is sized for; the backend falls back to V1 above it.</summary>
    public const int MaxDilation = 4;

    private const int MaxTileHeight = KernelConstants.MaxGroupSize / TileWidth * PixelsPerThread;
    /// <summary>Words of one haloed input tile at the largest group and dilation.</summary>
    public const int MaxHaloCount = (MaxTileHeight + 2 * MaxDilation) * (TileWidth + 2 * MaxDilation);
    /// <summary>Weights staged per chunk: input channels × 9 taps × output lanes.</summary>
    public const int WeightChunk = InputChannelChunk * 9 * OutChannelBlock;

    /// <summary>Shared memory of one group: 4 haloed 40×40 tiles and 288 weights, 26.7 KB (under 48 KB).</summary>
    public const int SharedBytes = (InputChannelChunk * MaxHaloCount + WeightChunk) * sizeof(float);

    /// <summary>Output rows of one group's tile for a given group size.</summary>
    public static int TileHeight(int groupSize) => groupSize / TileWidth * PixelsPerThread;

    /// <summary>Groups a launch needs: one per (image, tile, output-channel block).</summary>
    public static int Groups(ConvolutionGeometry g, int groupSize) =>
        g.Batch * ((g.Height + TileHeight(groupSize) - 1) / TileHeight(groupSize)) * ((g.Width + TileWidth - 1) / TileWidth)
            * ((g.OutChannels + OutChannelBlock - 1) / OutChannelBlock);

    /// <summary>The kernel (3×3 weights, dilation ≤ <see cref="MaxDilation"/>, explicitly grouped, DimX a multiple of 32).</summary>
    public static void ConvolutionForwardV3(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> output,
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
        int tx = thread % TileWidth;
        int firstRow = thread / TileWidth * PixelsPerThread;
        int d = g.Dilation;
        int haloWidth = TileWidth + 2 * d;
        int haloCount = (tileHeight + 2 * d) * haloWidth;
        int originY = tileY * tileHeight - d;
        int originX = tileX * TileWidth - d;
        int plane = g.Plane;
        int firstOut = block * OutChannelBlock;

        var acc0 = new Block8();
        var acc1 = new Block8();
        var acc2 = new Block8();
        var acc3 = new Block8();
        for (int chunk = 0; chunk < g.InChannels; chunk += InputChannelChunk)
        {
            // Everyone has finished reading the previous chunk before it is overwritten.
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
            // Weights as [channel, tap, output lane], so one tap's 8 lanes are consecutive (one Block8 load).
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
                        acc0 = acc0.MultiplyAdd(w, tiles[at]);
                        acc1 = acc1.MultiplyAdd(w, tiles[at + haloWidth]);
                        acc2 = acc2.MultiplyAdd(w, tiles[at + 2 * haloWidth]);
                        acc3 = acc3.MultiplyAdd(w, tiles[at + 3 * haloWidth]);
                    }
                }
            }
        }

        int x = tileX * TileWidth + tx;
        if (x >= g.Width) return;
        int y = tileY * tileHeight + firstRow;
        int outBase = (n * g.OutChannels + firstOut) * plane + y * g.Width + x;
        int lanes = IntrinsicMath.Min(OutChannelBlock, g.OutChannels - firstOut);
        if (y < g.Height) Store(output, outBase, plane, lanes, acc0);
        if (y + 1 < g.Height) Store(output, outBase + g.Width, plane, lanes, acc1);
        if (y + 2 < g.Height) Store(output, outBase + 2 * g.Width, plane, lanes, acc2);
        if (y + 3 < g.Height) Store(output, outBase + 3 * g.Width, plane, lanes, acc3);
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
