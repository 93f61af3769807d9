using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// The training batch norm of <see cref="CpuBatchNorm"/> and the residual add of <see cref="CpuElementwise"/> on
/// channels-last tensors (<see cref="CpuLayout.ChannelsLast"/>, C a multiple of 16): the same mathematics and the same
/// float32 per-element operations, with one <see cref="Vector512{T}"/> holding 16 consecutive channels of one pixel.
/// <para>
/// A per-channel sum cannot be one work item per channel here (a channel's values are strided through the whole
/// tensor), so the pixels are cut into fixed work items (<see cref="PixelItems"/>, from the shape only). Each item sums
/// runs of <see cref="Run"/> pixels in float32 lanes (a lane adds at most 64 terms, as in
/// <see cref="SimdReductions"/>' blocks), adds each run, widened, to float64 partials of its own, and the partials are
/// then added item by item in item order: the same bits for any thread count, float64 accuracy as in the planar kernel.
/// Passes over memory as in the planar kernel: forward = sums, squared deviations, normalize; backward = sums, dx.
/// Here each pass streams the whole tensor, whereas the planar kernel's passes over one channel (a few MB) re-read it
/// from cache: measured on [17, 64, 216, 296], the forward takes about 1.5× the planar one, the backward about 1.2×.
/// </para>
/// </summary>
[SkipLocalsInit]
internal static unsafe class ChannelsLastTrainingKernels
{
    private const int Lanes = 16;

    /// <summary>Pixels summed in float32 before widening: each lane adds at most 64 terms.</summary>
    private const int Run = 64;

    /// <summary>
    /// About this many floats per work item (128 KB): thousands of items on a real activation, so two threads balance,
    /// and scheduling and the items' float64 partials (C or 2·C doubles each) cost next to nothing.
    /// </summary>
    private const int ItemFloats = 1 << 15;

    /// <summary>Channel groups (vectors) summed together per pixel: 4 groups = 256 contiguous bytes per pixel.</summary>
    private const int GroupsPerStep = 4;

    public static void BatchNormTrainingForward(CpuWorkers workers, NchwSizes s, float* input, float* gamma, float* beta,
        float* runningMean, float* runningVariance, double momentum, double epsilon, float* output, float* savedMean, float* savedInverseStd)
    {
        int channels = s.Channels;
        RequireWholeVectors(nameof(BatchNormTrainingForward), "channels", channels);
        double count = (double)s.Batch * s.Plane;
        using var scratch = new NativeScratch(2L * channels * sizeof(double) + 4L * channels * sizeof(float));
        double* sums = (double*)scratch.Pointer, squares = sums + channels;
        float* roundedMeans = (float*)(squares + channels);
        float* m = roundedMeans + channels, k = m + channels, b = k + channels;

        ChannelSums<SumTerm>(workers, s, input, null, null, sums);
        for (int c = 0; c < channels; c++) roundedMeans[c] = (float)(sums[c] / count);
        // Second pass around the mean (not E[x²] − E[x]², which would cancel catastrophically for large means).
        ChannelSums<SquaredDeviationTerm>(workers, s, input, null, roundedMeans, squares);
        for (int c = 0; c < channels; c++)
        {
            double mean = sums[c] / count;
            // Σ(x − m̃)² with the float32-rounded mean m̃ exceeds Σ(x − m)² by M·(m − m̃)²: remove it.
            double shift = mean - (float)mean;
            double variance = Math.Max(squares[c] / count - shift * shift, 0);
            double inverseStd = 1.0 / Math.Sqrt(variance + epsilon);
            (m[c], k[c], b[c]) = ChannelNormalization.Constants(mean, gamma[c] * inverseStd, beta[c]);
            runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mean);
            runningVariance[c] = (float)((1 - momentum) * runningVariance[c] + momentum * variance);
            savedMean[c] = (float)mean;
            savedInverseStd[c] = (float)inverseStd;
        }

        // y = (x − m)·k + b, the float32 operations of CpuBatchNorm.Normalize, 16 channels at a time.
        ForPixels(workers, s, (firstPixel, pixels) =>
        {
            long start = firstPixel * channels, end = start + (long)pixels * channels;
            for (long pixel = start; pixel < end; pixel += channels)
            {
                for (int c0 = 0; c0 < channels; c0 += Lanes)
                {
                    var centered = Vector512.Load(input + pixel + c0) - Vector512.Load(m + c0);
                    Vector512.FusedMultiplyAdd(centered, Vector512.Load(k + c0), Vector512.Load(b + c0)).Store(output + pixel + c0);
                }
            }
        });
    }

    /// <summary>
    /// dx = k·dy + b·(x − μ) + a with k = γ·istd, b = −k·istd·Σ(dy·x̂)/M and a = −k·Σdy/M, as in
    /// <see cref="CpuBatchNorm.Backward"/>: one pass for the two sums, one for dx.
    /// </summary>
    public static void BatchNormBackward(CpuWorkers workers, NchwSizes s, float* input, float* gradOutput, float* gamma,
        float* savedMean, float* savedInverseStd, float* gradInput, float* gradGamma, float* gradBeta)
    {
        int channels = s.Channels;
        RequireWholeVectors(nameof(BatchNormBackward), "channels", channels);
        double count = (double)s.Batch * s.Plane;
        using var scratch = new NativeScratch(2L * channels * sizeof(double) + 3L * channels * sizeof(float));
        double* sums = (double*)scratch.Pointer;    // Σdy, then Σdy·(x − μ)
        float* vk = (float*)(sums + 2 * channels), vb = vk + channels, va = vb + channels;

        ChannelSums<GradientTerm>(workers, s, gradOutput, input, savedMean, sums);
        for (int c = 0; c < channels; c++)
        {
            double inverseStd = savedInverseStd[c];
            double sumDy = sums[c], sumDyXhat = sums[channels + c] * inverseStd;
            gradBeta[c] = (float)sumDy;
            gradGamma[c] = (float)sumDyXhat;
            double k = gamma[c] * inverseStd;
            vk[c] = (float)k;
            vb[c] = (float)(-k * inverseStd * sumDyXhat / count);
            va[c] = (float)(-k * sumDy / count);
        }

        ForPixels(workers, s, (firstPixel, pixels) =>
        {
            long start = firstPixel * channels, end = start + (long)pixels * channels;
            for (long pixel = start; pixel < end; pixel += channels)
            {
                for (int c0 = 0; c0 < channels; c0 += Lanes)
                {
                    long i = pixel + c0;
                    var centered = Vector512.Load(input + i) - Vector512.Load(savedMean + c0);
                    var linear = Vector512.FusedMultiplyAdd(centered, Vector512.Load(vb + c0), Vector512.Load(va + c0));
                    Vector512.FusedMultiplyAdd(Vector512.Load(gradOutput + i), Vector512.Load(vk + c0), linear).Store(gradInput + i);
                }
            }
        });
    }

    /// <summary>
    /// Backward of the inference batch norm, as <see cref="CpuBatchNorm.InferenceBackward"/>: dx = k·dy with
    /// k = γ·istd from the running statistics; the γ and β gradients are the sums of <see cref="BatchNormBackward"/>
    /// around the running mean.
    /// </summary>
    public static void BatchNormInferenceBackward(CpuWorkers workers, NchwSizes s, float* input, float* gradOutput, float* gamma,
        float* runningMean, float* runningVariance, double epsilon, float* gradInput, float* gradGamma, float* gradBeta)
    {
        int channels = s.Channels;
        RequireWholeVectors(nameof(BatchNormInferenceBackward), "channels", channels);
        using var scratch = new NativeScratch(2L * channels * sizeof(double) + channels * sizeof(float));
        double* sums = (double*)scratch.Pointer;    // Σdy, then Σdy·(x − running mean)
        float* vk = (float*)(sums + 2 * channels);

        ChannelSums<GradientTerm>(workers, s, gradOutput, input, runningMean, sums);
        for (int c = 0; c < channels; c++)
        {
            double inverseStd = 1.0 / Math.Sqrt(runningVariance[c] + epsilon);
            gradBeta[c] = (float)sums[c];
            gradGamma[c] = (float)(sums[channels + c] * inverseStd);
            vk[c] = (float)(gamma[c] * inverseStd);
        }

        ForPixels(workers, s, (firstPixel, pixels) =>
        {
            long start = firstPixel * channels, end = start + (long)pixels * channels;
            for (long pixel = start; pixel < end; pixel += channels)
            {
                for (int c0 = 0; c0 < channels; c0 += Lanes)
                    (Vector512.Load(gradOutput + pixel + c0) * Vector512.Load(vk + c0)).Store(gradInput + pixel + c0);
            }
        });
    }

    /// <summary>
    /// output = input + pad(skip): the skip's <paramref name="skipChannels"/> channels land on channels
    /// <paramref name="offset"/> … offset + skipChannels − 1, the other channels are copied (nothing to do when output
    /// is input). Whole vectors only: channels and skipChannels must be multiples of 16; the offset may be any (the
    /// skip's vectors are loaded and stored unaligned at pixel + offset, as the model's 16 → 32 block needs offset 8).
    /// </summary>
    public static void ResidualAddForward(CpuWorkers workers, NchwSizes s, int skipChannels, int offset, float* input, float* skip, float* output)
    {
        RequireResidualVectors(nameof(ResidualAddForward), s, skipChannels, offset);
        int channels = s.Channels;
        bool inPlace = input == output;
        ForPixels(workers, s, (firstPixel, pixels) =>
        {
            if (skipChannels == channels)
            {
                // The skip covers every channel, so the item's pixels are one contiguous add, as in the planar kernel.
                long start = firstPixel * channels, length = (long)pixels * channels;
                TensorPrimitives.Add(new ReadOnlySpan<float>(input + start, (int)length),
                    new ReadOnlySpan<float>(skip + start, (int)length), new Span<float>(output + start, (int)length));
                return;
            }
            for (long p = firstPixel; p < firstPixel + pixels; p++)
            {
                float* x = input + p * channels, y = output + p * channels, k = skip + p * skipChannels;
                // Copy the whole pixel first, then overwrite the skip's span with x + skip: the copied values in that
                // span are never read, so the order costs one redundant store per skip vector and no branch per lane.
                for (int c0 = 0; !inPlace && c0 < channels; c0 += Lanes) Vector512.Load(x + c0).Store(y + c0);
                for (int c0 = 0; c0 < skipChannels; c0 += Lanes)
                    (Vector512.Load(x + offset + c0) + Vector512.Load(k + c0)).Store(y + offset + c0);
            }
        });
    }

    /// <summary>gradSkip += gradOutput[channels offset … offset + skipChannels − 1], pixel by pixel.</summary>
    public static void ResidualAddBackwardSkip(CpuWorkers workers, NchwSizes s, int skipChannels, int offset, float* gradOutput, float* gradSkip)
    {
        RequireResidualVectors(nameof(ResidualAddBackwardSkip), s, skipChannels, offset);
        int channels = s.Channels;
        ForPixels(workers, s, (firstPixel, pixels) =>
        {
            for (long p = firstPixel; p < firstPixel + pixels; p++)
            {
                float* incoming = gradOutput + p * channels + offset, accumulated = gradSkip + p * skipChannels;
                for (int c0 = 0; c0 < skipChannels; c0 += Lanes)
                    (Vector512.Load(accumulated + c0) + Vector512.Load(incoming + c0)).Store(accumulated + c0);
            }
        });
    }

    /// <summary>The N·H·W pixels cut into items of a fixed size that depends on the channel count only.</summary>
    private readonly record struct PixelItems(long Pixels, int PixelsPerItem)
    {
        public static PixelItems Of(NchwSizes s) =>
            new((long)s.Batch * s.Plane, Math.Max(Run, ItemFloats / s.Channels / Run * Run));

        public int Count => checked((int)((Pixels + PixelsPerItem - 1) / PixelsPerItem));

        public (long FirstPixel, int Pixels) this[int item]
        {
            get
            {
                long first = (long)item * PixelsPerItem;
                return (first, (int)Math.Min(PixelsPerItem, Pixels - first));
            }
        }
    }

    /// <summary>Runs body(firstPixel, pixels) for every item of <see cref="PixelItems"/>, on the workers.</summary>
    private static void ForPixels(CpuWorkers workers, NchwSizes s, Action<long, int> body)
    {
        var items = PixelItems.Of(s);
        workers.For(items.Count, item =>
        {
            var (first, pixels) = items[item];
            body(first, pixels);
        });
    }

    /// <summary>
    /// Per-channel sums of <typeparamref name="T"/>'s terms over all pixels into <paramref name="totals"/> (C doubles,
    /// or 2·C when the term is paired: first sums, then second sums). Each item adds into its own partials; the partials
    /// are then added in item order, 8 channels per float64 vector, so no sum depends on which thread ran which item.
    /// </summary>
    private static void ChannelSums<T>(CpuWorkers workers, NchwSizes s, float* a, float* b, float* centers, double* totals)
        where T : struct, IChannelTerm
    {
        var items = PixelItems.Of(s);
        int channels = s.Channels;
        int perItem = (T.Paired ? 2 : 1) * channels;
        using var scratch = new NativeScratch((long)items.Count * perItem * sizeof(double));
        double* partials = (double*)scratch.Pointer;
        workers.For(items.Count, item =>
        {
            var (firstPixel, pixels) = items[item];
            double* first = partials + (long)item * perItem, second = first + channels;
            new Span<double>(first, perItem).Clear();
            for (int run = 0; run < pixels; run += Run)
            {
                long start = (firstPixel + run) * channels;
                int runPixels = Math.Min(Run, pixels - run);
                for (int c0 = 0; c0 < channels; c0 += GroupsPerStep * Lanes)
                {
                    int groups = Math.Min(GroupsPerStep, (channels - c0) / Lanes);
                    SumRun<T>(a + start + c0, T.ReadsSecond ? b + start + c0 : null, centers == null ? null : centers + c0,
                        channels, groups, runPixels, first + c0, second + c0);
                }
            }
        });

        for (int j = 0; j < perItem; j += Vector512<double>.Count)
        {
            var total = Vector512<double>.Zero;
            for (int item = 0; item < items.Count; item++) total += Vector512.Load(partials + (long)item * perItem + j);
            total.Store(totals + j);
        }
    }

    /// <summary>
    /// One run of <paramref name="pixels"/> pixels, <paramref name="groups"/> (1 … 4) consecutive 16-channel groups:
    /// float32 sums in registers (one vector per group and sum), each pixel's groups read as contiguous memory, then
    /// widened into the float64 partials. The group tests are the same for every pixel, so the branches predict.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumRun<T>(float* a, float* b, float* centers, int stride, int groups, int pixels, double* first, double* second)
        where T : struct, IChannelTerm
    {
        Vector512<float> center0 = default, center1 = default, center2 = default, center3 = default;
        if (centers != null)
        {
            center0 = Vector512.Load(centers);
            if (groups > 1) center1 = Vector512.Load(centers + Lanes);
            if (groups > 2) center2 = Vector512.Load(centers + 2 * Lanes);
            if (groups > 3) center3 = Vector512.Load(centers + 3 * Lanes);
        }
        Vector512<float> first0 = default, first1 = default, first2 = default, first3 = default;
        Vector512<float> second0 = default, second1 = default, second2 = default, second3 = default;
        for (int p = 0; p < pixels; p++, a += stride, b = T.ReadsSecond ? b + stride : null)
        {
            Add<T>(ref first0, ref second0, a, b, center0);
            if (groups > 1) Add<T>(ref first1, ref second1, a + Lanes, T.ReadsSecond ? b + Lanes : null, center1);
            if (groups > 2) Add<T>(ref first2, ref second2, a + 2 * Lanes, T.ReadsSecond ? b + 2 * Lanes : null, center2);
            if (groups > 3) Add<T>(ref first3, ref second3, a + 3 * Lanes, T.ReadsSecond ? b + 3 * Lanes : null, center3);
        }
        AddWidened(first0, first);
        if (groups > 1) AddWidened(first1, first + Lanes);
        if (groups > 2) AddWidened(first2, first + 2 * Lanes);
        if (groups > 3) AddWidened(first3, first + 3 * Lanes);
        if (!T.Paired) return;
        AddWidened(second0, second);
        if (groups > 1) AddWidened(second1, second + Lanes);
        if (groups > 2) AddWidened(second2, second + 2 * Lanes);
        if (groups > 3) AddWidened(second3, second + 3 * Lanes);
    }

    // Inlined with the accumulators as refs to the caller's locals, which therefore stay in registers.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<T>(ref Vector512<float> first, ref Vector512<float> second, float* a, float* b, Vector512<float> center)
        where T : struct, IChannelTerm
    {
        var va = Vector512.Load(a);
        var vb = T.ReadsSecond ? Vector512.Load(b) : default;
        first += T.First(va, vb, center);
        if (T.Paired) second += T.Second(va, vb, center);
    }

    /// <summary>partial[0 … 15] += the 16 float32 lanes, widened (lanes 0–7, then 8–15).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened(Vector512<float> run, double* partial)
    {
        var (lower, upper) = Vector512.Widen(run);
        (Vector512.Load(partial) + lower).Store(partial);
        (Vector512.Load(partial + Vector512<double>.Count) + upper).Store(partial + Vector512<double>.Count);
    }

    /// <summary>The summed terms of a reduction, for 16 channels of one pixel (static: the JIT specialises per struct).</summary>
    private interface IChannelTerm
    {
        /// <summary>Whether a second tensor (b) is read.</summary>
        static abstract bool ReadsSecond { get; }

        /// <summary>Whether a second sum is accumulated (<see cref="Second"/>).</summary>
        static abstract bool Paired { get; }

        static abstract Vector512<float> First(Vector512<float> a, Vector512<float> b, Vector512<float> center);

        static abstract Vector512<float> Second(Vector512<float> a, Vector512<float> b, Vector512<float> center);
    }

    /// <summary>Σx.</summary>
    private readonly struct SumTerm : IChannelTerm
    {
        public static bool ReadsSecond => false;

        public static bool Paired => false;

        public static Vector512<float> First(Vector512<float> a, Vector512<float> b, Vector512<float> center) => a;

        public static Vector512<float> Second(Vector512<float> a, Vector512<float> b, Vector512<float> center) => default;
    }

    /// <summary>Σ(x − center)², with a separate multiply and add as in <see cref="SimdReductions"/>.</summary>
    private readonly struct SquaredDeviationTerm : IChannelTerm
    {
        public static bool ReadsSecond => false;

        public static bool Paired => false;

        public static Vector512<float> First(Vector512<float> a, Vector512<float> b, Vector512<float> center)
        {
            var d = a - center;
            return d * d;
        }

        public static Vector512<float> Second(Vector512<float> a, Vector512<float> b, Vector512<float> center) => default;
    }

    /// <summary>With a = dy and b = x: Σdy and Σdy·(x − center), in one pass.</summary>
    private readonly struct GradientTerm : IChannelTerm
    {
        public static bool ReadsSecond => true;

        public static bool Paired => true;

        public static Vector512<float> First(Vector512<float> a, Vector512<float> b, Vector512<float> center) => a;

        public static Vector512<float> Second(Vector512<float> a, Vector512<float> b, Vector512<float> center) => a * (b - center);
    }

    /// <summary>Native memory for per-call constants and partials (no garbage-collected arrays on the training path).</summary>
    private readonly ref struct NativeScratch
    {
        public NativeScratch(long bytes) => Pointer = NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), 64);

        public void* Pointer { get; }

        public void Dispose() => NativeMemory.AlignedFree(Pointer);
    }

    private static void RequireWholeVectors(string operation, string name, int value)
    {
        if (value < Lanes || value % Lanes != 0)
            throw new ArgumentException($"{nameof(ChannelsLastTrainingKernels)}.{operation}: {name} = {value} must be a positive multiple of {Lanes}: channels-last vectors are whole 16-channel groups.");
    }

    private static void RequireResidualVectors(string operation, NchwSizes s, int skipChannels, int offset)
    {
        RequireWholeVectors(operation, "channels", s.Channels);
        RequireWholeVectors(operation, "skipChannels", skipChannels);
        if (offset < 0)
            throw new ArgumentException($"{nameof(ChannelsLastTrainingKernels)}.{operation}: offset = {offset} is negative.");
        if (offset + skipChannels > s.Channels)
            throw new ArgumentException($"{nameof(ChannelsLastTrainingKernels)}.{operation}: skip channels {offset} … {offset + skipChannels - 1} exceed the {s.Channels} channels.");
    }
}
