using static NativeSeg.Engine.OperationContracts;
using static NativeSeg.Engine.Cpu.CpuConvolutionKernels;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Convolution forward, backward-data and backward-weights on the CPU. All three first copy their spatial operand
/// into a zero-padded buffer (<see cref="PaddedPlanes"/>), which costs a few percent of the arithmetic and removes
/// every border test from the inner loops.
/// </summary>
internal static unsafe class CpuConvolution
{
    /// <summary>Output rows per parallel work item of the forward pass (enough items to balance two threads).</summary>
    private const int RowsPerItem = 4;

    /// <summary>Fixed number of partial-sum groups of the weight gradient: independent of the thread count.</summary>
    private const int WeightGroups = 16;

    /// <summary>output = conv(input, weights); sizes from <see cref="OperationContracts.Convolution"/>.</summary>
    public static void Forward(CpuWorkers workers, CpuScratchPool scratch, ConvolutionSizes s, float* input, float* weights, float* output)
        => FusedForward(workers, scratch, s, input, before: null, weights, default, output);

    /// <summary>
    /// output = epilogue(conv(before(input), weights)): <paramref name="before"/> is applied while the input is copied
    /// into the padded buffer, the <paramref name="epilogue"/> to each finished output row while it is still in L1.
    /// Neither adds a pass over memory.
    /// </summary>
    public static void FusedForward(CpuWorkers workers, CpuScratchPool scratch, ConvolutionSizes s, float* input,
        ChannelNormalization? before, float* weights, OutputEpilogue epilogue, float* output)
    {
        int taps = s.Kernel * s.Kernel;
        int blocks = BlockCount(s.OutChannels);
        using var packed = scratch.Rent((long)blocks * s.InChannels * taps * ChannelBlock);
        // packed[block][inChannel][tap][j] = weights[block·8 + j, inChannel, tap]; zero past the last channel.
        for (int b = 0; b < blocks; b++)
        for (int i = 0; i < s.InChannels; i++)
        for (int t = 0; t < taps; t++)
        for (int j = 0; j < ChannelBlock; j++)
        {
            int o = b * ChannelBlock + j;
            packed.Pointer[((long)(b * s.InChannels + i) * taps + t) * ChannelBlock + j] =
                o < s.OutChannels ? weights[((long)o * s.InChannels + i) * taps + t] : 0f;
        }
        Convolve(workers, scratch, s.Batch, s.InChannels, s.OutChannels, s.Height, s.Width, s.Kernel, s.Dilation, input, before,
            packed.Pointer, epilogue, output);
    }

    /// <summary>
    /// gradInput = the transposed convolution of gradOutput. It is itself a "same" convolution from the Cout gradient
    /// channels to the Cin input channels whose weights are transposed and flipped in both spatial axes:
    /// W'[i, o, ky, kx] = W[o, i, K−1−ky, K−1−kx]. So it packs W' and reuses the forward kernel unchanged.
    /// </summary>
    public static void BackwardData(CpuWorkers workers, CpuScratchPool scratch, ConvolutionSizes s, float* gradOutput, float* weights, float* gradInput)
    {
        int taps = s.Kernel * s.Kernel;
        int blocks = BlockCount(s.InChannels);
        using var packed = scratch.Rent((long)blocks * s.OutChannels * taps * ChannelBlock);
        // packed[block][outChannel][tap][j] = weights[outChannel, block·8 + j, taps−1−tap] (flipping ky and kx
        // together reverses the row-major tap index).
        for (int b = 0; b < blocks; b++)
        for (int o = 0; o < s.OutChannels; o++)
        for (int t = 0; t < taps; t++)
        for (int j = 0; j < ChannelBlock; j++)
        {
            int i = b * ChannelBlock + j;
            packed.Pointer[((long)(b * s.OutChannels + o) * taps + t) * ChannelBlock + j] =
                i < s.InChannels ? weights[((long)o * s.InChannels + i) * taps + (taps - 1 - t)] : 0f;
        }
        Convolve(workers, scratch, s.Batch, s.OutChannels, s.InChannels, s.Height, s.Width, s.Kernel, s.Dilation, gradOutput, before: null,
            packed.Pointer, default, gradInput);
    }

    /// <summary>
    /// gradWeights[o, i, ky, kx] = Σ_{n,y,x} gradOutput[n, o, y, x] · input[n, i, y + (ky−r)·d, x + (kx−r)·d].
    /// The N·H rows are cut into fixed chunks of a few rows (small enough that a chunk's gradient and input rows stay
    /// in L2 while every (o, i) pair sweeps them), the chunks into <see cref="WeightGroups"/> contiguous groups; each
    /// group sums its chunks in order into its own float64 partials, and the groups are then added in group order.
    /// The grouping depends on the shape only, so the result is bit-for-bit the same for any thread count.
    /// </summary>
    public static void BackwardWeights(CpuWorkers workers, CpuScratchPool scratch, ConvolutionSizes s, float* input, float* gradOutput, float* gradWeights)
    {
        int taps = s.Kernel * s.Kernel;
        int outBlocks = (s.OutChannels + WeightBlock - 1) / WeightBlock;
        int outChannelsRounded = outBlocks * WeightBlock;
        var inputLayout = new PaddedPlanes(s.Batch, s.InChannels, s.Height, s.Width, s.Padding);
        // The gradient needs no spatial padding, only zero columns up to a multiple of 16 and zero channels up to a
        // multiple of 8, so that every kernel load is a full vector of valid-or-zero values.
        var gradientLayout = new PaddedPlanes(s.Batch, outChannelsRounded, s.Height, s.Width, 0);
        using var paddedInput = scratch.Rent(inputLayout.Length);
        using var paddedGradient = scratch.Rent(gradientLayout.Length);
        inputLayout.Fill(workers, input, s.InChannels, paddedInput.Pointer);
        gradientLayout.Fill(workers, gradOutput, s.OutChannels, paddedGradient.Pointer);

        // At most 4 rows per chunk: faster than 6–8 rows on 16 and 32 channels (64 channels already get 3) and than
        // 1–2 rows in an interleaved A/B (benchmarks/RESULTS.md, "Numbers moved out of code comments").
        long rowBytes = (gradientLayout.RowStride + inputLayout.RowStride) * sizeof(float);
        int rowsPerChunk = (int)Math.Clamp((512 * 1024) / rowBytes, 1, 4);
        int chunksPerImage = (s.Height + rowsPerChunk - 1) / rowsPerChunk;
        int chunks = s.Batch * chunksPerImage;
        int groups = Math.Min(WeightGroups, chunks);
        long weightCount = (long)outChannelsRounded * s.InChannels * taps;
        using var partials = scratch.Rent(groups * weightCount * 2); // float64 = two floats
        double* partial = (double*)partials.Pointer;
        float* xPad = paddedInput.Pointer, gPad = paddedGradient.Pointer;
        int strips = inputLayout.VectorWidth / Lanes;

        workers.For(groups, group =>
        {
            double* mine = partial + group * weightCount;
            new Span<double>(mine, checked((int)weightCount)).Clear();
            int firstChunk = (int)((long)group * chunks / groups), endChunk = (int)((long)(group + 1) * chunks / groups);
            for (int chunk = firstChunk; chunk < endChunk; chunk++)
            {
                int n = chunk / chunksPerImage;
                int y0 = chunk % chunksPerImage * rowsPerChunk;
                int rows = Math.Min(rowsPerChunk, s.Height - y0);
                for (int ob = 0; ob < outBlocks; ob++)
                {
                    float* g = gPad + gradientLayout.Line(n, ob * WeightBlock, y0);
                    if (s.Kernel == 3)
                    {
                        for (int i = 0; i < s.InChannels; i++)
                        for (int ky = 0; ky < 3; ky++)
                        {
                            // Padded row y + ky·d holds input row y + (ky−1)·d.
                            float* x = xPad + inputLayout.Line(n, i, y0 + ky * s.Dilation);
                            double* p = mine + ((long)(ob * WeightBlock) * s.InChannels + i) * taps + ky * 3;
                            Weights8x3(g, gradientLayout.LineLength, gradientLayout.RowStride, x, inputLayout.RowStride,
                                s.Dilation, 2 * s.Dilation, rows, strips, p, (long)s.InChannels * taps, 3);
                        }
                    }
                    else
                    {
                        // 1×1: the three sources are three consecutive input channels at the same pixel, one line apart.
                        for (int i = 0; i < s.InChannels; i += 3)
                        {
                            int valid = Math.Min(3, s.InChannels - i);
                            float* x = xPad + inputLayout.Line(n, i, y0);
                            long line = inputLayout.LineLength;
                            double* p = mine + (long)(ob * WeightBlock) * s.InChannels + i;
                            Weights8x3(g, gradientLayout.LineLength, gradientLayout.RowStride, x, inputLayout.RowStride,
                                valid > 1 ? line : 0, valid > 2 ? 2 * line : 0, rows, strips, p, s.InChannels, valid);
                        }
                    }
                }
            }
        });

        // Fixed-order reduction over the groups.
        int total = s.OutChannels * s.InChannels * taps;
        workers.ForChunks(total, 4096, (start, count) =>
        {
            for (int k = start; k < start + count; k++)
            {
                double sum = 0;
                for (int group = 0; group < groups; group++) sum += partial[group * weightCount + k];
                gradWeights[k] = (float)sum;
            }
        });
    }

    /// <summary>
    /// The shared forward loop: destination[n, o] = Σ_{i, tap} packed[o / 8][i][tap][o % 8] · padded source, for
    /// <paramref name="sourceChannels"/> → <paramref name="destinationChannels"/>. Work items are (image, 4-row band);
    /// within a band every channel block reuses the same few input rows from L2, and every output value is computed
    /// entirely by one item, in a fixed order.
    /// </summary>
    private static void Convolve(CpuWorkers workers, CpuScratchPool scratch, int batch, int sourceChannels, int destinationChannels,
        int height, int width, int kernel, int dilation, float* source, ChannelNormalization? before, float* packed,
        OutputEpilogue epilogue, float* destination)
    {
        int taps = kernel * kernel;
        var layout = new PaddedPlanes(batch, sourceChannels, height, width, kernel / 2 * dilation);
        using var padded = scratch.Rent(layout.Length);
        layout.Fill(workers, source, sourceChannels, padded.Pointer, before);
        float* paddedSource = padded.Pointer;

        // Offset of each tap from tap (0, 0) in the padded source; a heap array because worker threads read it.
        var offsets = new int[taps];
        for (int ky = 0; ky < kernel; ky++)
        for (int kx = 0; kx < kernel; kx++)
            offsets[ky * kernel + kx] = checked((int)(ky * dilation * layout.RowStride + kx * dilation));

        int blocks = BlockCount(destinationChannels);
        long outputPlane = (long)height * width;
        long kernelRowStride = dilation * layout.RowStride;
        long blockWeights = (long)sourceChannels * taps * ChannelBlock;
        int bands = (height + RowsPerItem - 1) / RowsPerItem;
        workers.For(batch * bands, item =>
        {
            int n = item / bands;
            int y0 = item % bands * RowsPerItem, y1 = Math.Min(height, y0 + RowsPerItem);
            fixed (int* offsetPointer = offsets)
            {
                for (int y = y0; y < y1; y++)
                {
                    // Padded (y, x) is where tap (0, 0) of output (y, x) reads.
                    float* sourceRow = paddedSource + layout.Line(n, 0, y);
                    for (int b = 0; b < blocks; b++)
                    {
                        int valid = Math.Min(ChannelBlock, destinationChannels - b * ChannelBlock);
                        float* w = packed + b * blockWeights;
                        float* outRow = destination + ((long)n * destinationChannels + b * ChannelBlock) * outputPlane + (long)y * width;
                        int x = 0;
                        for (; x + WideColumns <= width; x += WideColumns)
                            Forward8x48(sourceRow + x, layout.LineLength, sourceChannels, w, offsetPointer, taps, outRow + x, outputPlane, valid,
                                kernelRowStride, kernel);
                        for (; x < width; x += Lanes)
                            Forward8x16(sourceRow + x, layout.LineLength, sourceChannels, w, offsetPointer, taps, outRow + x, outputPlane, valid,
                                Math.Min(Lanes, width - x), kernelRowStride, kernel);
                        if (!epilogue.IsEmpty)
                        {
                            for (int j = 0; j < valid; j++)
                                epilogue.Apply(n, b * ChannelBlock + j, y, outRow + j * outputPlane, width, outputPlane);
                        }
                    }
                }
            }
        });
    }

    private static int BlockCount(int channels) => (channels + ChannelBlock - 1) / ChannelBlock;
}
