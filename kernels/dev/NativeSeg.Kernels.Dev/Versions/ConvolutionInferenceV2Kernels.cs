using ILGPU;
using NativeSeg.Kernels;

namespace NativeSeg.Kernels.Dev.Versions;

/// <summary>
/// The fused inference convolution on version 2's tiles: the product's until the first H200 run (2026-12-04);
/// the product now fuses the same stages into V3's register-blocked tiles
/// (<see cref="ConvolutionInferenceKernels.ConvolutionInferenceForwardV3"/>). Kept here as a yardstick.
/// </summary>
public static class ConvolutionInferenceV2Kernels
{
    /// <summary>
    /// <see cref="ConvolutionForwardV2Kernels.ConvolutionForwardV2"/> (3×3, dilation ≤ 4, the same tiles, groups and summation
    /// order) with the stages of <see cref="FusedStages"/>. residual is [N, SkipChannels, H, W] (any view when
    /// SkipChannels is 0); its channel k adds to output channel SkipOffset + k.
    /// </summary>
    public static void ConvolutionInferenceForwardV2(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> output,
        ConvolutionGeometry g, ArrayView<float> inputConstants, ArrayView<float> outputConstants, ArrayView<float> residual, FusedStages stages)
    {
        var tile = SharedMemory.Allocate<float>((ConvolutionForwardV2Kernels.MaxTileHeight + 2 * ConvolutionForwardV2Kernels.MaxDilation)
            * (ConvolutionForwardV2Kernels.TileWidth + 2 * ConvolutionForwardV2Kernels.MaxDilation));
        var weightBlock = SharedMemory.Allocate<float>(ConvolutionForwardV2Kernels.OutChannelBlock * 9);
        const int block4 = ConvolutionForwardV2Kernels.OutChannelBlock;

        int tileWidth = ConvolutionForwardV2Kernels.TileWidth;
        int tileHeight = Group.DimX / tileWidth;
        int tilesX = (g.Width + tileWidth - 1) / tileWidth;
        int tilesY = (g.Height + tileHeight - 1) / tileHeight;
        int blocks = (g.OutChannels + block4 - 1) / block4;
        int group = Grid.IdxX;
        int tileX = group % tilesX;
        int tileY = group / tilesX % tilesY;
        int block = group / (tilesX * tilesY) % blocks;
        int n = group / (tilesX * tilesY * blocks);

        int thread = Group.IdxX;
        int tx = thread % tileWidth;
        int ty = thread / tileWidth;
        int d = g.Dilation;
        int haloWidth = tileWidth + 2 * d;
        int haloCount = (tileHeight + 2 * d) * haloWidth;
        int originY = tileY * tileHeight - d;
        int originX = tileX * tileWidth - d;
        int plane = g.Plane;
        int firstOut = block * block4;

        float acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
        for (int i = 0; i < g.InChannels; i++)
        {
            Group.Barrier();
            int inputBase = (n * g.InChannels + i) * plane;
            float mean = 0, scale = 1, bias = 0;
            if (stages.InputNormalized != 0)
            {
                mean = inputConstants[i];
                scale = inputConstants[g.InChannels + i];
                bias = inputConstants[2 * g.InChannels + i];
            }
            for (int t = thread; t < haloCount; t += Group.DimX)
            {
                int sy = originY + t / haloWidth;
                int sx = originX + t % haloWidth;
                float value = 0f;
                if (sy >= 0 && sy < g.Height && sx >= 0 && sx < g.Width)
                {
                    value = input[inputBase + sy * g.Width + sx];
                    if (stages.InputNormalized != 0) value = (value - mean) * scale + bias;
                    if (stages.InputRelu != 0 && !(value > 0f)) value = 0f;
                }
                tile[t] = value;
            }
            for (int t = thread; t < block4 * 9; t += Group.DimX)
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
        int x = tileX * tileWidth + tx;
        if (y >= g.Height || x >= g.Width) return;
        int pixel = y * g.Width + x;
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut, pixel, acc0);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 1, pixel, acc1);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 2, pixel, acc2);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 3, pixel, acc3);
    }
}
