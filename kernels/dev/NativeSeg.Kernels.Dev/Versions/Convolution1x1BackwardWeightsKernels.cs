using ILGPU;
using NativeSeg.Kernels;

namespace NativeSeg.Kernels.Dev.Versions;

/// <summary>
/// Weight gradient of a 1×1 convolution, a matrix product over positions, deterministic (experiment, 2026-12-04; not yet
/// run on a GPU, so the product still runs the tree kernel):
///
///   gradW[o, i] = Σ_{n, p} gradOutput[n, o, p] · input[n, i, p]
///
/// The generic tree kernel (<see cref="ConvolutionKernels.ConvolutionBackwardWeightsPartials"/>) gives each (o, i)
/// pair its own groups and re-reads both planes from global memory for every pair: 35 ms for HighResNet2D's 64 → 80
/// layer at batch 17 on an H200, 1/170 of the floor. Here a group owns <see cref="InputLanes"/> input channels ×
/// DimX/16 output channels (16 × 16 on the GPU), one (o, i) sum per thread, and walks one fixed slice of the
/// positions in chunks of <see cref="ChunkPositions"/>: per chunk it stages the 16 input rows and the DimX/16
/// gradient rows in shared memory once, and every thread reads its two rows for 32 multiply-adds. Global traffic
/// falls from one plane pair per (o, i) to one read of the input per output block and of the gradient per input block.
///
/// Stage 1 writes partials[(o·Cin + i)·Slices + slice]; stage 2 is <see cref="ReductionKernels.SumPartials"/>
/// (width 1), adding slices in order. Each sum runs over chunks, then positions, in ascending order, and the slices
/// depend on the shapes alone, so the result repeats bit for bit whatever the group size. No atomics.
/// </summary>
public static class Convolution1x1BackwardWeightsKernels
{
    /// <summary>Input channels of a group's block: the fastest-varying thread index.</summary>
    public const int InputLanes = 16;

    /// <summary>Consecutive positions (n·H·W + y·W + x) staged per barrier pair.</summary>
    public const int ChunkPositions = 32;

    /// <summary>Fewest chunks one slice covers, and the most slices: bounds stage 2's work and the partials' size.</summary>
    public const int MinChunksPerSlice = 16;
    public const int MaxSlices = 512;

    private const int MaxOutLanes = KernelConstants.MaxGroupSize / InputLanes;
    // One spare word per row (an odd stride): the 16 input rows a warp reads at one position sit in 16 different banks.
    private const int Stride = ChunkPositions + 1;

    /// <summary>Shared memory of one group: 16 input rows and 16 gradient rows of 33 words, 4.2 KB.</summary>
    public const int SharedBytes = (InputLanes + MaxOutLanes) * Stride * sizeof(float);

    /// <summary>Output channels of one group's block for a given group size.</summary>
    public static int OutLanes(int groupSize) => groupSize / InputLanes;

    /// <summary>Chunks the N·H·W positions fall into (the last one may be partial).</summary>
    public static int Chunks(ConvolutionGeometry g) => (g.Batch * g.Plane + ChunkPositions - 1) / ChunkPositions;

    /// <summary>Slices per (o, i) sum: a function of the shapes alone.</summary>
    public static int Slices(ConvolutionGeometry g) => Math.Clamp((Chunks(g) + MinChunksPerSlice - 1) / MinChunksPerSlice, 1, MaxSlices);

    /// <summary>The reduction layout shared by both stages: one segment per (o, i), counted in chunks.</summary>
    public static ReductionLayout Layout(ConvolutionGeometry g) => new(g.OutChannels * g.InChannels, Chunks(g), Slices(g));

    /// <summary>Groups of stage 1: one per (output block, input block, slice).</summary>
    public static int Groups(ConvolutionGeometry g, int groupSize)
    {
        int outBlocks = (g.OutChannels + OutLanes(groupSize) - 1) / OutLanes(groupSize);
        int inBlocks = (g.InChannels + InputLanes - 1) / InputLanes;
        return outBlocks * inBlocks * Slices(g);
    }

    /// <summary>Stage 1 (1×1 weights, explicitly grouped, DimX a multiple of 16).</summary>
    public static void BackwardWeightsPartials(ArrayView<float> input, ArrayView<float> gradOutput, ArrayView<float> partials,
        ConvolutionGeometry g, ReductionLayout layout)
    {
        var inputRows = SharedMemory.Allocate<float>(InputLanes * Stride);
        var gradRows = SharedMemory.Allocate<float>(MaxOutLanes * Stride);

        int outLanes = Group.DimX / InputLanes;
        int inBlocks = (g.InChannels + InputLanes - 1) / InputLanes;
        int slice = Grid.IdxX % layout.Slices;
        int inBlock = Grid.IdxX / layout.Slices % inBlocks;
        int outBlock = Grid.IdxX / (layout.Slices * inBlocks);
        int firstIn = inBlock * InputLanes;
        int firstOut = outBlock * outLanes;

        int thread = Group.IdxX;
        int lane = thread % InputLanes;
        int outLane = thread / InputLanes;
        int plane = g.Plane;
        int positions = g.Batch * plane;
        int firstChunk = slice * layout.SliceLength;
        int endChunk = IntrinsicMath.Min(firstChunk + layout.SliceLength, layout.Count);

        float sum = 0f;
        for (int chunk = firstChunk; chunk < endChunk; chunk++)
        {
            // Everyone has finished reading the previous chunk before it is overwritten.
            Group.Barrier();
            int p0 = chunk * ChunkPositions;
            // Consecutive threads take consecutive positions of one channel row: coalesced reads.
            for (int t = thread; t < InputLanes * ChunkPositions; t += Group.DimX)
            {
                int c = t / ChunkPositions;
                int k = t % ChunkPositions;
                int p = p0 + k;
                int i = firstIn + c;
                float value = 0f;
                if (p < positions && i < g.InChannels)
                {
                    int n = p / plane;
                    value = input[(n * g.InChannels + i) * plane + (p - n * plane)];
                }
                inputRows[c * Stride + k] = value;
            }
            for (int t = thread; t < outLanes * ChunkPositions; t += Group.DimX)
            {
                int c = t / ChunkPositions;
                int k = t % ChunkPositions;
                int p = p0 + k;
                int o = firstOut + c;
                float value = 0f;
                if (p < positions && o < g.OutChannels)
                {
                    int n = p / plane;
                    value = gradOutput[(n * g.OutChannels + o) * plane + (p - n * plane)];
                }
                gradRows[c * Stride + k] = value;
            }
            Group.Barrier();

            int inputAt = lane * Stride;
            int gradAt = outLane * Stride;
            for (int k = 0; k < ChunkPositions; k++)
                sum += gradRows[gradAt + k] * inputRows[inputAt + k];
        }

        int oOut = firstOut + outLane;
        int iOut = firstIn + lane;
        if (oOut < g.OutChannels && iOut < g.InChannels)
            partials[(oOut * g.InChannels + iOut) * layout.Slices + slice] = sum;
    }
}
