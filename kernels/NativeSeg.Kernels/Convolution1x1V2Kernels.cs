using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>
/// 1×1 convolution (forward, and backward-data through the transposed weights), version 2: a small matrix product
/// over channels, output[n, o, p] = Σ_i W[o, i] · input[n, i, p]. V1 gives each thread one output and reads the
/// Cin inputs and Cin weights from global memory for Cin multiply-adds. Here each thread computes
/// <see cref="PixelsPerThread"/> positions × <see cref="OutChannelBlock"/> output channels (32 sums in registers):
/// per input channel 4 coalesced global loads (the positions are DimX apart, so a warp reads 32 consecutive words)
/// and one 8-weight read from shared memory (broadcast) feed 32 multiply-adds. The weights of the group's 8 output
/// channels are staged in shared memory <see cref="InputChannelChunk"/> input channels at a time.
///
/// Positions run over the flattened N·H·W axis, so the image border needs no special case. Groups with the same
/// positions and neighbouring output blocks are adjacent in launch order, so the input they share hits in L2.
/// Sum order per output: input channel ascending, as V1.
/// </summary>
public static class Convolution1x1V2Kernels
{
    public const int PixelsPerThread = 4;
    public const int OutChannelBlock = 8;
    public const int InputChannelChunk = 64;

    /// <summary>Shared memory of one group: 64 input channels × 8 output channels of weights, 2 KB.</summary>
    public const int SharedBytes = InputChannelChunk * OutChannelBlock * sizeof(float);

    /// <summary>Groups a launch needs: one per (block of 4·DimX positions, output-channel block).</summary>
    public static int Groups(ConvolutionGeometry g, int groupSize)
    {
        long positions = (long)g.Batch * g.Plane;
        int span = PixelsPerThread * groupSize;
        return (int)((positions + span - 1) / span) * ((g.OutChannels + OutChannelBlock - 1) / OutChannelBlock);
    }

    /// <summary>The kernel (1×1 weights [Cout, Cin, 1, 1], explicitly grouped).</summary>
    public static void Convolution1x1V2(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> output,
        ConvolutionGeometry g)
    {
        var weightBlock = SharedMemory.Allocate<float>(InputChannelChunk * OutChannelBlock);
        int blocks = (g.OutChannels + OutChannelBlock - 1) / OutChannelBlock;
        int block = Grid.IdxX % blocks;
        int span = Grid.IdxX / blocks;
        int firstOut = block * OutChannelBlock;
        int plane = g.Plane;
        int positions = g.Batch * plane;
        int thread = Group.IdxX;
        int q0 = span * PixelsPerThread * Group.DimX + thread;
        int q1 = q0 + Group.DimX;
        int q2 = q1 + Group.DimX;
        int q3 = q2 + Group.DimX;
        // Input offset of channel 0 for each position (n·Cin·plane + p); positions past the end read position 0
        // (a valid address) and are not stored.
        int b0 = InputBase(q0 < positions ? q0 : 0, plane, g.InChannels);
        int b1 = InputBase(q1 < positions ? q1 : 0, plane, g.InChannels);
        int b2 = InputBase(q2 < positions ? q2 : 0, plane, g.InChannels);
        int b3 = InputBase(q3 < positions ? q3 : 0, plane, g.InChannels);

        var acc0 = new Block8();
        var acc1 = new Block8();
        var acc2 = new Block8();
        var acc3 = new Block8();
        for (int chunk = 0; chunk < g.InChannels; chunk += InputChannelChunk)
        {
            Group.Barrier();
            for (int t = thread; t < InputChannelChunk * OutChannelBlock; t += Group.DimX)
            {
                int i = chunk + t / OutChannelBlock;
                int o = firstOut + t % OutChannelBlock;
                weightBlock[t] = i < g.InChannels && o < g.OutChannels ? weights[o * g.InChannels + i] : 0f;
            }
            Group.Barrier();
            int channels = IntrinsicMath.Min(InputChannelChunk, g.InChannels - chunk);
            for (int c = 0; c < channels; c++)
            {
                var w = Block8.Load(weightBlock, c * OutChannelBlock);
                int offset = (chunk + c) * plane;
                acc0 = acc0.MultiplyAdd(w, input[b0 + offset]);
                acc1 = acc1.MultiplyAdd(w, input[b1 + offset]);
                acc2 = acc2.MultiplyAdd(w, input[b2 + offset]);
                acc3 = acc3.MultiplyAdd(w, input[b3 + offset]);
            }
        }

        int lanes = IntrinsicMath.Min(OutChannelBlock, g.OutChannels - firstOut);
        if (q0 < positions) Store(output, OutputBase(q0, plane, g.OutChannels) + firstOut * plane, plane, lanes, acc0);
        if (q1 < positions) Store(output, OutputBase(q1, plane, g.OutChannels) + firstOut * plane, plane, lanes, acc1);
        if (q2 < positions) Store(output, OutputBase(q2, plane, g.OutChannels) + firstOut * plane, plane, lanes, acc2);
        if (q3 < positions) Store(output, OutputBase(q3, plane, g.OutChannels) + firstOut * plane, plane, lanes, acc3);
    }

    private static int InputBase(int q, int plane, int channels) => q / plane * channels * plane + q % plane;

    private static int OutputBase(int q, int plane, int channels) => q / plane * channels * plane + q % plane;

    /// <summary>Writes the first `lanes` lanes of a position's block to consecutive output channels (stride = plane).</summary>
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
