using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>
/// Weight gradient of a 3×3 dilated convolution, version 2: an implicit GEMM, deterministic.
///
///   gradW[o, (i, tap)] = Σ_{n, y, x} gradOutput[n, o, y, x] · input[n, i, y + (ky−1)d, x + (kx−1)d]
///
/// is a matrix product (Cout × N·H·W) · (N·H·W × Cin·9) whose right factor (im2col of the input) is never
/// built: it is read from a haloed input tile in shared memory. A group owns a block of
/// <see cref="InputLanes"/> input channels × 4·(DimX/16) output channels (64 on the GPU) × 9 taps and reduces over
/// one fixed slice of the positions, walking it in chunks of one 2×32 output tile of one image. Thread (lane l,
/// quad q) keeps 4 output channels × 9 taps = 36 sums in registers (<see cref="Block4"/> per tap): per position it
/// reads 4 gradOutput values (one Block4) and 9 input values from shared memory for 36 multiply-adds. V1 read a
/// gradOutput/input pair per multiply-add and re-read each plane pair for every (o, i).
///
/// Stage 1 writes one partial per (o, i, slice, tap), laid out [o, i][slice][tap]; stage 2 is
/// <see cref="ReductionKernels.SumPartials"/> (width 9), adding slices in order. The order of every sum depends on
/// the shapes only (slices from <see cref="Slices"/>; positions in chunk order inside a slice), not on the group
/// size or the hardware, so results repeat bit for bit. No atomics.
/// </summary>
public static class ConvolutionBackwardWeightsV2Kernels
{
    /// <summary>Input channels of a group's block: one thread lane each.</summary>
    public const int InputLanes = 16;

    /// <summary>Output channels per thread (the lanes of <see cref="Block4"/>).</summary>
    public const int OutPerThread = 4;

    /// <summary>Rows and columns of the output tile that is one chunk of positions.</summary>
    public const int TileRows = 2;
    public const int TileWidth = 32;

    /// <summary>The largest dilation the halo is sized for; the backend falls back to V1 above it.</summary>
    public const int MaxDilation = 4;

    /// <summary>Fewest chunks one slice covers, and the most slices: bounds stage 2's work and the partials' size.</summary>
    public const int MinChunksPerSlice = 16;
    public const int MaxSlices = 512;

    private const int Positions = TileRows * TileWidth;
    private const int MaxOutBlock = OutPerThread * KernelConstants.MaxGroupSize / InputLanes;
    // One spare word per channel (an odd stride) puts the 16 channels' tiles in 16 different banks.
    private const int MaxHaloStride = (TileRows + 2 * MaxDilation) * (TileWidth + 2 * MaxDilation) + 1;
    // One spare word per position, so the tile's column-wise stores hit consecutive banks.
    private const int MaxGradStride = MaxOutBlock + 1;

    /// <summary>Shared memory of one group: 16 haloed 10×40 input tiles and a 64×64 gradOutput tile, 41.7 KB.</summary>
    public const int SharedBytes = (InputLanes * MaxHaloStride + Positions * MaxGradStride) * sizeof(float);

    /// <summary>Output channels of one group's block for a given group size.</summary>
    public static int OutBlock(int groupSize) => OutPerThread * groupSize / InputLanes;

    /// <summary>Chunks (2×32 tiles of one image) the positions fall into.</summary>
    public static int Chunks(ConvolutionGeometry g) =>
        g.Batch * ((g.Height + TileRows - 1) / TileRows) * ((g.Width + TileWidth - 1) / TileWidth);

    /// <summary>Slices per (o, i) block: a function of the shapes alone.</summary>
    public static int Slices(ConvolutionGeometry g)
    {
        int chunks = Chunks(g);
        int slices = (chunks + MinChunksPerSlice - 1) / MinChunksPerSlice;
        return slices < 1 ? 1 : slices > MaxSlices ? MaxSlices : slices;
    }

    /// <summary>The reduction layout shared by both stages: one segment per (o, i), counted in chunks.</summary>
    public static ReductionLayout Layout(ConvolutionGeometry g) => new(g.OutChannels * g.InChannels, Chunks(g), Slices(g));

    /// <summary>Groups of stage 1: one per (output block, input block, slice).</summary>
    public static int Groups(ConvolutionGeometry g, int groupSize)
    {
        int outBlocks = (g.OutChannels + OutBlock(groupSize) - 1) / OutBlock(groupSize);
        int inBlocks = (g.InChannels + InputLanes - 1) / InputLanes;
        return outBlocks * inBlocks * Slices(g);
    }

    /// <summary>Stage 1 (3×3 weights, dilation ≤ <see cref="MaxDilation"/>, explicitly grouped, DimX a multiple of 16).</summary>
    public static void BackwardWeightsV2Partials(ArrayView<float> input, ArrayView<float> gradOutput, ArrayView<float> partials,
        ConvolutionGeometry g, ReductionLayout layout)
    {
        var inputTiles = SharedMemory.Allocate<float>(InputLanes * MaxHaloStride);
        var gradTile = SharedMemory.Allocate<float>(Positions * MaxGradStride);

        int outBlock = OutBlock(Group.DimX);
        int gradStride = outBlock + 1;
        int inBlocks = (g.InChannels + InputLanes - 1) / InputLanes;
        int slice = Grid.IdxX % layout.Slices;
        int inBlock = Grid.IdxX / layout.Slices % inBlocks;
        int outBlockIndex = Grid.IdxX / (layout.Slices * inBlocks);
        int firstIn = inBlock * InputLanes;
        int firstOut = outBlockIndex * outBlock;

        int thread = Group.IdxX;
        int lane = thread % InputLanes;
        int quad = thread / InputLanes;
        int d = g.Dilation;
        int haloWidth = TileWidth + 2 * d;
        int haloCount = (TileRows + 2 * d) * haloWidth;
        int haloStride = haloCount | 1;
        int tilesX = (g.Width + TileWidth - 1) / TileWidth;
        int tilesY = (g.Height + TileRows - 1) / TileRows;
        int plane = g.Plane;
        int dRow = d * haloWidth;

        var t0 = new Block4(); var t1 = new Block4(); var t2 = new Block4();
        var t3 = new Block4(); var t4 = new Block4(); var t5 = new Block4();
        var t6 = new Block4(); var t7 = new Block4(); var t8 = new Block4();

        int end = ReductionKernels.SliceEnd(layout, slice);
        for (int chunk = ReductionKernels.SliceStart(layout, slice); chunk < end; chunk++)
        {
            int tileX = chunk % tilesX;
            int tileY = chunk / tilesX % tilesY;
            int n = chunk / (tilesX * tilesY);
            int y0 = tileY * TileRows;
            int x0 = tileX * TileWidth;

            Group.Barrier();
            // Input tiles with halo, zeros outside the image: consecutive threads read consecutive columns.
            for (int t = thread; t < InputLanes * haloCount; t += Group.DimX)
            {
                int c = t / haloCount;
                int h = t % haloCount;
                int i = firstIn + c;
                int sy = y0 - d + h / haloWidth;
                int sx = x0 - d + h % haloWidth;
                bool inside = i < g.InChannels && sy >= 0 && sy < g.Height && sx >= 0 && sx < g.Width;
                inputTiles[c * haloStride + h] = inside ? input[(n * g.InChannels + i) * plane + sy * g.Width + sx] : 0f;
            }
            // gradOutput as [position][output channel]; zeros past the image or the channels add nothing.
            for (int t = thread; t < outBlock * Positions; t += Group.DimX)
            {
                int o = firstOut + t / Positions;
                int p = t % Positions;
                int y = y0 + p / TileWidth;
                int x = x0 + p % TileWidth;
                bool inside = o < g.OutChannels && y < g.Height && x < g.Width;
                gradTile[p * gradStride + t / Positions] = inside ? gradOutput[(n * g.OutChannels + o) * plane + y * g.Width + x] : 0f;
            }
            Group.Barrier();

            for (int py = 0; py < TileRows; py++)
            {
                for (int px = 0; px < TileWidth; px++)
                {
                    var dy = Block4.Load(gradTile, (py * TileWidth + px) * gradStride + quad * OutPerThread);
                    int at = lane * haloStride + py * haloWidth + px;
                    t0 = t0.MultiplyAdd(dy, inputTiles[at]);
                    t1 = t1.MultiplyAdd(dy, inputTiles[at + d]);
                    t2 = t2.MultiplyAdd(dy, inputTiles[at + 2 * d]);
                    t3 = t3.MultiplyAdd(dy, inputTiles[at + dRow]);
                    t4 = t4.MultiplyAdd(dy, inputTiles[at + dRow + d]);
                    t5 = t5.MultiplyAdd(dy, inputTiles[at + dRow + 2 * d]);
                    t6 = t6.MultiplyAdd(dy, inputTiles[at + 2 * dRow]);
                    t7 = t7.MultiplyAdd(dy, inputTiles[at + 2 * dRow + d]);
                    t8 = t8.MultiplyAdd(dy, inputTiles[at + 2 * dRow + 2 * d]);
                }
            }
        }

        int i0 = firstIn + lane;
        if (i0 >= g.InChannels) return;
        int o0 = firstOut + quad * OutPerThread;
        // partials[((o·Cin + i)·Slices + slice)·9 + tap]: the layout SumPartials (width 9) reads.
        int step = g.InChannels * layout.Slices * 9;
        int at0 = ((o0 * g.InChannels + i0) * layout.Slices + slice) * 9;
        int lanes = IntrinsicMath.Min(OutPerThread, g.OutChannels - o0);
        if (lanes <= 0) return;
        StoreTap(partials, at0, step, lanes, t0);
        StoreTap(partials, at0 + 1, step, lanes, t1);
        StoreTap(partials, at0 + 2, step, lanes, t2);
        StoreTap(partials, at0 + 3, step, lanes, t3);
        StoreTap(partials, at0 + 4, step, lanes, t4);
        StoreTap(partials, at0 + 5, step, lanes, t5);
        StoreTap(partials, at0 + 6, step, lanes, t6);
        StoreTap(partials, at0 + 7, step, lanes, t7);
        StoreTap(partials, at0 + 8, step, lanes, t8);
    }

    /// <summary>Writes one tap's sums for the first `lanes` of 4 consecutive output channels (stride = one o).</summary>
    private static void StoreTap(ArrayView<float> partials, int at, int step, int lanes, Block4 v)
    {
        partials[at] = v.A0;
        if (lanes > 1) partials[at + step] = v.A1;
        if (lanes > 2) partials[at + 2 * step] = v.A2;
        if (lanes > 3) partials[at + 3 * step] = v.A3;
    }
}
