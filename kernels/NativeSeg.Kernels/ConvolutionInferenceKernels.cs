using ILGPU;
using ILGPU.Algorithms;

namespace NativeSeg.Kernels;

/// <summary>
/// Which stages <see cref="ConvolutionInferenceKernels.ConvolutionInferenceForwardV2"/> applies around the convolution
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
    /// <summary>
    /// Output tile columns of one group: one warp per tile row, so a warp reads one contiguous row segment of the
    /// input (coalesced). The tile has Group.DimX / 32 rows: 8 rows for the GPU's 256-thread groups.
    /// </summary>
    public const int TileWidth = 32;

    /// <summary>The most tile rows (a 256-thread group), which sizes the shared tile.</summary>
    public const int MaxTileHeight = KernelConstants.MaxGroupSize / TileWidth;

    /// <summary>Output channels one group computes; each thread keeps one accumulator per channel in registers.</summary>
    public const int OutChannelBlock = 4;

    /// <summary>The largest dilation a tile's halo is sized for; the backend runs the composition above it.</summary>
    public const int MaxDilation = 4;

    /// <summary>Shared memory of one group: the haloed input tile plus the weight block (2.6 KB, far under 48 KB).</summary>
    public const int SharedBytes = ((MaxTileHeight + 2 * MaxDilation) * (TileWidth + 2 * MaxDilation) + OutChannelBlock * 9) * sizeof(float);

    /// <summary>Groups a launch with groupSize threads per group needs: one per (image, output-channel block, tile).</summary>
    public static int Groups(ConvolutionGeometry g, int groupSize)
    {
        int tileHeight = groupSize / TileWidth;
        return g.Batch * ((g.OutChannels + OutChannelBlock - 1) / OutChannelBlock)
            * ((g.Height + tileHeight - 1) / tileHeight) * ((g.Width + TileWidth - 1) / TileWidth);
    }

    /// <summary>constants[c] = μ, constants[C + c] = γ/√(σ² + ε), constants[2C + c] = β, for y = (x − μ)·scale + bias.</summary>
    public static void FoldBatchNorm(Index1D c, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> runningMean,
        ArrayView<float> runningVariance, float epsilon, ArrayView<float> constants, int channels)
    {
        constants[c] = runningMean[c];
        constants[channels + c] = gamma[c] / XMath.Sqrt(runningVariance[c] + epsilon);
        constants[2 * channels + c] = beta[c];
    }

    /// <summary>
    /// The forward convolution on shared-memory tiles (3×3, dilation ≤ 4; the tiling of the lab's forward V2, summed
    /// in the same order) with the stages of <see cref="FusedStages"/>. residual is [N, SkipChannels, H, W] (any view when
    /// SkipChannels is 0); its channel k adds to output channel SkipOffset + k.
    /// </summary>
    public static void ConvolutionInferenceForwardV2(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> output,
        ConvolutionGeometry g, ArrayView<float> inputConstants, ArrayView<float> outputConstants, ArrayView<float> residual, FusedStages stages)
    {
        var tile = SharedMemory.Allocate<float>((MaxTileHeight + 2 * MaxDilation)
            * (TileWidth + 2 * MaxDilation));
        var weightBlock = SharedMemory.Allocate<float>(OutChannelBlock * 9);
        const int block4 = OutChannelBlock;

        int tileWidth = TileWidth;
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
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut, pixel, acc0);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 1, pixel, acc1);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 2, pixel, acc2);
        FinishAndStore(output, g, outputConstants, residual, stages, n, firstOut + 3, pixel, acc3);
    }

    /// <summary>Output batch norm (+ ReLU), then the residual, then the store of one output value (none past OutChannels).</summary>
    internal static void FinishAndStore(ArrayView<float> output, ConvolutionGeometry g, ArrayView<float> outputConstants,
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
