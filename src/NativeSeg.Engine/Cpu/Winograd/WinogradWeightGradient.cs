using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static NativeSeg.Engine.OperationContracts;
using static NativeSeg.Engine.Cpu.Winograd.WinogradTransforms;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// The weight gradient of a 3×3 convolution (<see cref="IBackend.ConvolutionBackwardWeights"/>) by Winograd's
/// F(4×4, 3×3), the transpose of <see cref="WinogradConvolution"/>'s forward pass.
///
/// Per tile the forward computes Y = Aᵀ[U ⊙ V]A with U = G g Gᵀ and V = Bᵀ d B, so the chain rule gives
/// ∂L/∂g = Gᵀ[V ⊙ (A ∂Y Aᵀ)]G, and summed over tiles and channels:
///
///     Ŵ[p][o][i] = Σ_tiles (A ∂Y_o Aᵀ)[p] · (Bᵀ d_i B)[p],     ∂L/∂w[o, i] = Gᵀ Ŵ[·][o][i] G.
///
/// The sum over tiles is, per position p, a GEMM [Cout × tiles]·[tiles × Cin]: 36·Cout·Cin multiplications per tile
/// of 16 outputs against 9·16·Cout·Cin for the direct loop (4× fewer). The tiles, phases (dilation), blocks and the
/// input copy and transform are the forward's (<see cref="TileGeometry"/>); the output gradient is read channels-last
/// into a block staging (zero past the image, so tiles there add nothing).
///
/// Summation order and accuracy: the blocks are cut into a fixed number of contiguous groups (by the shape only);
/// each group adds its tiles in order into float32 sums, which are added into the group's float64 partial every
/// <see cref="TilesPerFlush"/> tiles; the groups' partials are added in group order in float64, and Gᵀ·G is applied in
/// float64 and rounded once. So the result is bit-for-bit the same for any thread count, and no float32 sum runs over
/// more than a few hundred tiles.
/// </summary>
[SkipLocalsInit]
internal static unsafe class WinogradWeightGradient
{
    /// <summary>Each worker thread's transformed tiles, float32 sums, input copy and gradient staging.</summary>
    [ThreadStatic]
    private static ThreadWorkBuffer? _threadWork;

    /// <summary>Fixed number of partial-sum groups (independent of the thread count), as the direct weight gradient.</summary>
    private const int Groups = 16;

    /// <summary>Tiles summed in float32 (at least; whole blocks) before the sums go into the group's float64 partial.</summary>
    private const int TilesPerFlush = 192;

    /// <summary>
    /// gradWeights [Cout, Cin, 3, 3] of the "same" 3×3 convolution with dilation d of <paramref name="input"/>
    /// [N, Cin, H, W] (channels-last when <paramref name="inputChannelsLast"/>, then Cin a multiple of 16) and the
    /// channels-last <paramref name="gradOutput"/> [N, Cout, H, W] (Cout a multiple of 16).
    /// </summary>
    public static void Compute(CpuWorkers workers, CpuScratchPool scratch, ConvolutionSizes s, float* input, bool inputChannelsLast,
        float* gradOutput, float* gradWeights)
    {
        if (s.Kernel != 3 || s.OutChannels % 16 != 0 || (inputChannelsLast && s.InChannels % 16 != 0))
            throw new ArgumentException($"Winograd weight gradient needs a 3×3 kernel and channels-last operands with channels in multiples of 16 (got {s}).");
        var g = new TileGeometry(s);
        int inPadded = g.InPadded, outPadded = g.OutPadded;
        long positionsLength = (long)Positions * outPadded * inPadded;
        // One GEMM per block (24–48 tiles at dilation 1, 2 and 4): gathering 96 tiles from several blocks first measured
        // no faster (benchmarks/RESULTS.md), since the gathered tiles then leave L1.
        int capacity = g.TilesPerBlock;
        // Positions lie one cache line more than their tiles apart: a tile's transform stores to all 36 positions, and at
        // a stride that is a multiple of 4 KiB those 36 lines would share one L1 set (12 ways) and evict each other.
        long xStride = (long)capacity * inPadded + 16, dyStride = (long)capacity * outPadded + 16;
        long xLength = Positions * xStride, dyLength = Positions * dyStride;
        int groups = Math.Min(Groups, g.Blocks);
        using var partials = scratch.Rent(groups * positionsLength * 2); // float64 = two floats
        double* partial = (double*)partials.Pointer;

        workers.For(groups, group =>
        {
            double* mine = partial + group * positionsLength;
            new Span<double>(mine, checked((int)positionsLength)).Clear();
            float* x = (_threadWork ??= new ThreadWorkBuffer()).Get(xLength + dyLength + positionsLength + g.InputLength + g.StagingLength);
            float* dy = x + xLength, sums = dy + dyLength, copy = sums + positionsLength, staging = copy + g.InputLength;
            new Span<float>(sums, checked((int)positionsLength)).Clear();
            int pending = 0;
            int firstBlock = (int)((long)group * g.Blocks / groups), endBlock = (int)((long)(group + 1) * g.Blocks / groups);
            for (int block = firstBlock; block < endBlock; block++)
            {
                var (n, tileRow, firstColumn) = g.Block(block);
                int y0 = g.BlockRows * tileRow, x0 = g.BlockRows * firstColumn;
                if (inputChannelsLast) WinogradConvolution.CopyChannelsLastInput(g, n, y0 - s.Dilation, x0 - s.Dilation, input, null, copy);
                else WinogradConvolution.CopyInput(g, n, y0 - s.Dilation, x0 - s.Dilation, input, null, copy);
                CopyGradient(g, n, y0, x0, gradOutput, staging);
                for (int tile = 0; tile < capacity; tile++)
                {
                    var (rowPhase, columnPhase, column) = g.Tile(tile);
                    float* origin = copy + g.InputOffset(rowPhase, columnPhase, column);
                    for (int c = 0; c < inPadded; c += 16)
                        WinogradConvolution.TransformInputTile(origin + c, g.TileRowStep, g.TileColumnStep, x + (long)tile * inPadded + c,
                            xStride);
                    float* gradientOrigin = staging + g.StagedPixel(rowPhase, columnPhase + s.Dilation * OutputTile * column);
                    for (int o = 0; o < outPadded; o += 16)
                        TransformGradientTile(gradientOrigin + o, (long)s.Dilation * g.StagingColumns * outPadded, (long)s.Dilation * outPadded,
                            dy + (long)tile * outPadded + o, dyStride);
                }
                for (int p = 0; p < Positions; p++)
                    OuterProductGemm.Accumulate(dy + p * dyStride, outPadded, x + p * xStride, inPadded,
                        sums + (long)p * outPadded * inPadded, inPadded, capacity, outPadded, inPadded);
                // The float32 sums go into the float64 partial every TilesPerFlush tiles (whole blocks).
                pending += capacity;
                if (pending >= TilesPerFlush)
                {
                    OuterProductGemm.FlushInto(sums, mine, positionsLength);
                    pending = 0;
                }
            }
            if (pending > 0) OuterProductGemm.FlushInto(sums, mine, positionsLength);
        });

        // Groups added in order in float64, then Gᵀ Ŵ G per channel pair, rounded once.
        int pairs = s.OutChannels * s.InChannels;
        workers.ForChunks(pairs, 256, (start, count) =>
        {
            Span<double> transformed = stackalloc double[Positions];
            Span<double> kernel = stackalloc double[9];
            for (int pair = start; pair < start + count; pair++)
            {
                int o = pair / s.InChannels, i = pair % s.InChannels;
                for (int p = 0; p < Positions; p++)
                {
                    long index = ((long)p * outPadded + o) * inPadded + i;
                    double sum = 0;
                    for (int group = 0; group < groups; group++) sum += partial[group * positionsLength + index];
                    transformed[p] = sum;
                }
                KernelGradient(transformed, kernel);
                for (int t = 0; t < 9; t++) gradWeights[(long)pair * 9 + t] = (float)kernel[t];
            }
        });
    }

    /// <summary>
    /// Output-gradient rows y0 … y0 + BlockRows − 1, columns x0 … of image n into the staging [row][column][channel]:
    /// each row's pixels are contiguous channels-last, so one copy per row; zero past the image's bottom and right.
    /// </summary>
    private static void CopyGradient(TileGeometry g, int n, int y0, int x0, float* gradOutput, float* staging)
    {
        var s = g.Sizes;
        int channels = s.OutChannels;
        long rowFloats = (long)g.StagingColumns * channels;
        int inside = Math.Clamp(s.Width - x0, 0, g.BlockColumns);
        for (int r = 0; r < g.BlockRows; r++)
        {
            int y = y0 + r;
            float* target = staging + r * rowFloats;
            if (y >= s.Height)
            {
                new Span<float>(target, checked((int)rowFloats)).Clear();
                continue;
            }
            long count = (long)inside * channels;
            new ReadOnlySpan<float>(gradOutput + (((long)n * s.Height + y) * s.Width + x0) * channels, checked((int)count))
                .CopyTo(new Span<float>(target, checked((int)count)));
            new Span<float>(target + count, checked((int)(rowFloats - count))).Clear();
        }
    }

    /// <summary>
    /// A ∂Y Aᵀ of one 4×4 output-gradient tile for 16 channels (tile row i at i·rowStep, column j at j·columnStep):
    /// A on the columns, then on the rows; position p = 6a + b stored at target + p·positionStride.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformGradientTile(float* origin, long rowStep, long columnStep, float* target, long positionStride)
    {
        Vector512<float>* half = stackalloc Vector512<float>[InputTile * OutputTile];   // A ∂Y: 6×4
        for (int j = 0; j < OutputTile; j++)
        {
            float* column = origin + j * columnStep;
            GradientOutput(Vector512.Load(column), Vector512.Load(column + rowStep), Vector512.Load(column + 2 * rowStep),
                Vector512.Load(column + 3 * rowStep), out half[j], out half[4 + j], out half[8 + j], out half[12 + j],
                out half[16 + j], out half[20 + j]);
        }
        for (int a = 0; a < InputTile; a++)
        {
            Vector512<float>* row = half + a * OutputTile;
            GradientOutput(row[0], row[1], row[2], row[3], out var z0, out var z1, out var z2, out var z3, out var z4, out var z5);
            float* to = target + a * InputTile * positionStride;
            z0.Store(to); z1.Store(to + positionStride); z2.Store(to + 2 * positionStride);
            z3.Store(to + 3 * positionStride); z4.Store(to + 4 * positionStride); z5.Store(to + 5 * positionStride);
        }
    }
}
