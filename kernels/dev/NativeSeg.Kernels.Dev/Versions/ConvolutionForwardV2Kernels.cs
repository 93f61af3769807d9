using ILGPU;
using NativeSeg.Kernels;

namespace NativeSeg.Kernels.Dev.Versions;

/// <summary>
/// Forward 3×3 dilated convolution, version 2: shared-memory tiles, one input channel per barrier pair, 4 output
/// channels per thread. The product's forward kernel until the first H200 run (2026-12-04) measured V3 1.6–1.7×
/// faster at every HighResNet2D shape (benchmarks/RESULTS.md, "GPU"); kept here as a yardstick. The product's fused
/// inference convolution (<see cref="ConvolutionInferenceKernels.ConvolutionInferenceForwardV2"/>) still uses its tiles.
/// </summary>
public static class ConvolutionForwardV2Kernels
{
    /// <summary>
    /// Output tile columns of one group in <see cref="ConvolutionForwardV2"/>: one warp per tile row, so a warp
    /// reads one contiguous row segment of the input (coalesced). The tile has Group.DimX / 32 rows: 8 rows for
    /// the GPU's 256-thread groups.
    /// </summary>
    public const int TileWidth = 32;

    /// <summary>The most tile rows (a 256-thread group), which sizes the shared tile.</summary>
    public const int MaxTileHeight = KernelConstants.MaxGroupSize / TileWidth;

    /// <summary>Output channels one group computes; each thread keeps one accumulator per channel in registers.</summary>
    public const int OutChannelBlock = 4;

    /// <summary>The largest dilation a tile's halo is sized for.</summary>
    public const int MaxDilation = 4;

    private const int MaxHaloHeight = MaxTileHeight + 2 * MaxDilation;
    private const int MaxHaloWidth = TileWidth + 2 * MaxDilation;

    /// <summary>Shared memory of one V2 group: the haloed input tile plus the weight block (2.6 KB, far under 48 KB).</summary>
    public const int ForwardV2SharedBytes = (MaxHaloHeight * MaxHaloWidth + OutChannelBlock * 9) * sizeof(float);

    /// <summary>Groups a V2 launch with groupSize threads per group needs: one per (image, output-channel block, tile).</summary>
    public static int ForwardV2Groups(ConvolutionGeometry g, int groupSize)
    {
        int tileHeight = groupSize / TileWidth;
        return g.Batch * ((g.OutChannels + OutChannelBlock - 1) / OutChannelBlock)
            * ((g.Height + tileHeight - 1) / tileHeight) * ((g.Width + TileWidth - 1) / TileWidth);
    }

    /// <summary>
    /// Version 2 (3×3 only), explicitly grouped, a multiple of 32 threads per group (256 on the GPU). A group owns a
    /// (DimX/32)×32 output tile (8×32 on the GPU) of one
    /// image and <see cref="OutChannelBlock"/> output channels. For each input channel it stages the tile plus its
    /// dilation-wide halo (zeros outside the image, so the inner loop has no bounds checks) and the 4×9 weights in
    /// shared memory, then every thread does 9 taps × 4 channels from shared memory. Each input value is read from
    /// global memory once per group instead of 9·4 times. Sum order per output equals V1's, so V2 reproduces V1.
    /// </summary>
    public static void ConvolutionForwardV2(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> output,
        ConvolutionGeometry g)
    {
        var tile = SharedMemory.Allocate<float>(MaxHaloHeight * MaxHaloWidth);
        var weightBlock = SharedMemory.Allocate<float>(OutChannelBlock * 9);

        int tileHeight = Group.DimX / TileWidth;
        int tilesX = (g.Width + TileWidth - 1) / TileWidth;
        int tilesY = (g.Height + tileHeight - 1) / tileHeight;
        int blocks = (g.OutChannels + OutChannelBlock - 1) / OutChannelBlock;
        int group = Grid.IdxX;
        int tileX = group % tilesX;
        int tileY = group / tilesX % tilesY;
        int block = group / (tilesX * tilesY) % blocks;
        int n = group / (tilesX * tilesY * blocks);

        int thread = Group.IdxX;
        int tx = thread % TileWidth;
        int ty = thread / TileWidth;
        int d = g.Dilation;
        int haloWidth = TileWidth + 2 * d;
        int haloCount = (tileHeight + 2 * d) * haloWidth;
        int originY = tileY * tileHeight - d;
        int originX = tileX * TileWidth - d;
        int plane = g.Plane;
        int firstOut = block * OutChannelBlock;

        float acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
        for (int i = 0; i < g.InChannels; i++)
        {
            // Everyone has finished reading the previous channel's tile before it is overwritten.
            Group.Barrier();
            int inputBase = (n * g.InChannels + i) * plane;
            for (int t = thread; t < haloCount; t += Group.DimX)
            {
                int sy = originY + t / haloWidth;
                int sx = originX + t % haloWidth;
                bool inside = sy >= 0 && sy < g.Height && sx >= 0 && sx < g.Width;
                tile[t] = inside ? input[inputBase + sy * g.Width + sx] : 0f;
            }
            for (int t = thread; t < OutChannelBlock * 9; t += Group.DimX)
            {
                int o = firstOut + t / 9;
                weightBlock[t] = o < g.OutChannels ? weights[(o * g.InChannels + i) * 9 + t % 9] : 0f;
            }
            Group.Barrier();

            for (int ky = 0; ky < 3; ky++)
            {
                int rowBase = (ty + ky * d) * haloWidth + tx;
                for (int kx = 0; kx < 3; kx++)
                {
                    float v = tile[rowBase + kx * d];
                    int tap = ky * 3 + kx;
                    acc0 += weightBlock[tap] * v;
                    acc1 += weightBlock[9 + tap] * v;
                    acc2 += weightBlock[18 + tap] * v;
                    acc3 += weightBlock[27 + tap] * v;
                }
            }
        }

        int y = tileY * tileHeight + ty;
        int x = tileX * TileWidth + tx;
        if (y >= g.Height || x >= g.Width) return;
        int outputBase = (n * g.OutChannels + firstOut) * plane + y * g.Width + x;
        if (firstOut < g.OutChannels) output[outputBase] = acc0;
        if (firstOut + 1 < g.OutChannels) output[outputBase + plane] = acc1;
        if (firstOut + 2 < g.OutChannels) output[outputBase + 2 * plane] = acc2;
        if (firstOut + 3 < g.OutChannels) output[outputBase + 3 * plane] = acc3;
    }
}
