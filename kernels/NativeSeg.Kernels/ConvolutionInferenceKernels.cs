using ILGPU;
using ILGPU.Algorithms;

namespace NativeSeg.Kernels;

/// <summary>
/// Which stages <see cref="ConvolutionInferenceKernels.ConvolutionInferenceForwardV3"/> applies around the convolution
/// (ints, not bools, so the struct is blittable for the kernel launch). SkipChannels = 0: no residual add.
/// </summary>
public readonly struct FusedStages(bool inputNormalized, bool inputRelu, bool outputNormalized, bool outputRelu, int skipChannels, int skipOffset)
{
    public int InputNormalized { get; } = inputNormalized ? 1 : 0;
    public int InputRelu { get; } = inputRelu ? 1 : 0;
    public int OutputNormalized { get; } = outputNormalized ? 1 : 0;
    public int OutputRelu { get; } = outputRelu ? 1 : 0;
    public int SkipChannels { get; } = skipChannels;
    public int SkipOffset { get; } = skipOffset;
}

/// <summary>
/// The fused inference convolution on the GPU: one launch instead of up to five. Batch-norm constants are folded once
/// per call into [mean | scale | bias] per channel (<see cref="FoldBatchNorm"/>); the input's batch norm + ReLU is
/// applied while a group stages its input tile in shared memory (the halo outside the image stays zero: it pads the
/// normalised tensor), and the output's batch norm + ReLU and the residual add are applied to the accumulators just
/// before the only store. No intermediate tensor is written or read.
/// </summary>
public static class ConvolutionInferenceKernels
{
    /// <summary>constants[c] = μ, constants[C + c] = γ/√(σ² + ε), constants[2C + c] = β, for y = (x − μ)·scale + bias.</summary>
    public static void FoldBatchNorm(Index1D c, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> runningMean,
        ArrayView<float> runningVariance, float epsilon, ArrayView<float> constants, int channels)
    {
        constants[c] = runningMean[c];
        constants[channels + c] = gamma[c] / XMath.Sqrt(runningVariance[c] + epsilon);
        constants[2 * channels + c] = beta[c];
    }

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
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut, pixel, v.A0);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 1, pixel, v.A1);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 2, pixel, v.A2);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 3, pixel, v.A3);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 4, pixel, v.A4);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 5, pixel, v.A5);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 6, pixel, v.A6);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 7, pixel, v.A7);
    }

    /// <summary>Output batch norm (+ ReLU), then the residual, then the store of one output value (none past OutChannels).</summary>
    public static void FinishAndStore(ArrayView<float> output, ConvolutionGeometry g, ArrayView<float> outputConstants,
        ArrayView<float> residual, FusedStages stages, int n, int o, int pixel, float value)
    {
        if (o >= g.OutChannels) return;
        if (stages.OutputNormalized != 0)
        {
            value = (value - outputConstants[o]) * outputConstants[g.OutChannels + o] + outputConstants[2 * g.OutChannels + o];
            if (stages.OutputRelu != 0 && !(value > 0f)) value = 0f;
        }
        int skip = o - stages.SkipOffset;
        if (skip >= 0 && skip < stages.SkipChannels)
            value += residual[(n * stages.SkipChannels + skip) * g.Plane + pixel];
        output[(n * g.OutChannels + o) * g.Plane + pixel] = value;
    }
}
