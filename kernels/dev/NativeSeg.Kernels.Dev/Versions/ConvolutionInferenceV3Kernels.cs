using ILGPU;
using NativeSeg.Kernels;

namespace NativeSeg.Kernels.Dev.Versions;

/// <summary>
/// The fused inference convolution on forward V3's register-blocked tiles (experiment, 2026-12-04): the product fuses
/// the same stages into V2's tiles (<see cref="ConvolutionInferenceKernels.ConvolutionInferenceForwardV2"/>, 6.7 ms
/// per slice of the whole network on an H200), while the plain V3 forward measured 1.6–1.7× faster than V2 at every
/// HighResNet2D shape. Not yet run on a GPU: promoted once it has been checked and timed there
/// (`bench-network --kernels inference=V3`).
/// </summary>
public static class ConvolutionInferenceV3Kernels
{
    /// <summary>
    /// <see cref="ConvolutionForwardV3Kernels.ConvolutionForwardV3"/> (3×3, dilation ≤ 4, the same tiles, groups and
    /// summation order) with the stages of <see cref="FusedStages"/>: the input's batch norm + ReLU while a chunk of
    /// input channels is staged in shared memory, the output's batch norm + ReLU and the residual on the 4 × 8
    /// accumulators before the only store. residual is [N, SkipChannels, H, W] (any view when SkipChannels is 0);
    /// its channel k adds to output channel SkipOffset + k.
    /// </summary>
    public static void ConvolutionInferenceForwardV3(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> output,
        ConvolutionGeometry g, ArrayView<float> inputConstants, ArrayView<float> outputConstants, ArrayView<float> residual, FusedStages stages)
    {
        const int chunkSize = ConvolutionForwardV3Kernels.InputChannelChunk;
        const int lanes8 = ConvolutionForwardV3Kernels.OutChannelBlock;
        const int tileWidth = ConvolutionForwardV3Kernels.TileWidth;
        var tiles = SharedMemory.Allocate<float>(chunkSize * ConvolutionForwardV3Kernels.MaxHaloCount);
        var weightBlock = SharedMemory.Allocate<float>(ConvolutionForwardV3Kernels.WeightChunk);

        int tileHeight = ConvolutionForwardV3Kernels.TileHeight(Group.DimX);
        int tilesX = (g.Width + tileWidth - 1) / tileWidth;
        int tilesY = (g.Height + tileHeight - 1) / tileHeight;
        int blocks = (g.OutChannels + lanes8 - 1) / lanes8;
        int group = Grid.IdxX;
        int block = group % blocks;
        int tileX = group / blocks % tilesX;
        int tileY = group / (blocks * tilesX) % tilesY;
        int n = group / (blocks * tilesX * tilesY);

        int thread = Group.IdxX;
        int tx = thread % tileWidth;
        int firstRow = thread / tileWidth * ConvolutionForwardV3Kernels.PixelsPerThread;
        int d = g.Dilation;
        int haloWidth = tileWidth + 2 * d;
        int haloCount = (tileHeight + 2 * d) * haloWidth;
        int originY = tileY * tileHeight - d;
        int originX = tileX * tileWidth - d;
        int firstOut = block * lanes8;

        var acc0 = new Block8();
        var acc1 = new Block8();
        var acc2 = new Block8();
        var acc3 = new Block8();
        for (int chunk = 0; chunk < g.InChannels; chunk += chunkSize)
        {
            Group.Barrier();
            for (int t = thread; t < chunkSize * haloCount; t += Group.DimX)
            {
                int c = t / haloCount;
                int h = t % haloCount;
                int sy = originY + h / haloWidth;
                int sx = originX + h % haloWidth;
                int i = chunk + c;
                float value = 0f;
                // The halo outside the image stays zero: it pads the normalised, activated tensor.
                if (i < g.InChannels && sy >= 0 && sy < g.Height && sx >= 0 && sx < g.Width)
                {
                    value = input[((n * g.InChannels + i) * g.Height + sy) * g.Width + sx];
                    if (stages.InputNormalized != 0)
                        value = (value - inputConstants[i]) * inputConstants[g.InChannels + i] + inputConstants[2 * g.InChannels + i];
                    if (stages.InputRelu != 0 && !(value > 0f)) value = 0f;
                }
                tiles[t] = value;
            }
            for (int t = thread; t < ConvolutionForwardV3Kernels.WeightChunk; t += Group.DimX)
            {
                int lane = t % lanes8;
                int tap = t / lanes8 % 9;
                int c = t / (9 * lanes8);
                int o = firstOut + lane;
                int i = chunk + c;
                weightBlock[t] = o < g.OutChannels && i < g.InChannels ? weights[(o * g.InChannels + i) * 9 + tap] : 0f;
            }
            Group.Barrier();

            int channels = IntrinsicMath.Min(chunkSize, g.InChannels - chunk);
            for (int c = 0; c < channels; c++)
            {
                int tileBase = c * haloCount + firstRow * haloWidth + tx;
                for (int ky = 0; ky < 3; ky++)
                {
                    for (int kx = 0; kx < 3; kx++)
                    {
                        var w = Block8.Load(weightBlock, (c * 9 + ky * 3 + kx) * lanes8);
                        int at = tileBase + ky * d * haloWidth + kx * d;
                        acc0 = acc0.MultiplyAdd(w, tiles[at]);
                        acc1 = acc1.MultiplyAdd(w, tiles[at + haloWidth]);
                        acc2 = acc2.MultiplyAdd(w, tiles[at + 2 * haloWidth]);
                        acc3 = acc3.MultiplyAdd(w, tiles[at + 3 * haloWidth]);
                    }
                }
            }
        }

        int x = tileX * tileWidth + tx;
        if (x >= g.Width) return;
        int y = tileY * tileHeight + firstRow;
        if (y < g.Height) FinishBlock(output, g, outputConstants, residual, stages, n, firstOut, y * g.Width + x, acc0);
        if (y + 1 < g.Height) FinishBlock(output, g, outputConstants, residual, stages, n, firstOut, (y + 1) * g.Width + x, acc1);
        if (y + 2 < g.Height) FinishBlock(output, g, outputConstants, residual, stages, n, firstOut, (y + 2) * g.Width + x, acc2);
        if (y + 3 < g.Height) FinishBlock(output, g, outputConstants, residual, stages, n, firstOut, (y + 3) * g.Width + x, acc3);
    }

    /// <summary>The output stages and the store of one pixel's 8 output channels (lanes past OutChannels are dropped).</summary>
    private static void FinishBlock(ArrayView<float> output, ConvolutionGeometry g, ArrayView<float> outputConstants,
        ArrayView<float> residual, FusedStages stages, int n, int firstOut, int pixel, Block8 v)
    {
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut, pixel, v.A0);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 1, pixel, v.A1);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 2, pixel, v.A2);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 3, pixel, v.A3);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 4, pixel, v.A4);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 5, pixel, v.A5);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 6, pixel, v.A6);
        ConvolutionInferenceKernels.FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 7, pixel, v.A7);
    }
}
