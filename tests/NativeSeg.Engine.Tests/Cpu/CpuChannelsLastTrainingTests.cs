using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Tests.Support;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Tests.Cpu;

/// <summary>
/// <see cref="ChannelsLastTrainingKernels"/> against the planar kernels (<see cref="CpuBatchNorm"/>,
/// <see cref="CpuElementwise"/>) on the same values transposed to NHWC: fresh random inputs with a non-zero mean,
/// every output NaN-poisoned first. The batch norm agrees to float32 rounding of the float64 reductions (1e-5 of each
/// tensor's scale); the residual add is the same float adds, so it agrees bit for bit. Shapes include several work items
/// with a short last one, runs shorter than 64 pixels, and 1, 2, 3 and 5 channel groups.
/// </summary>
[TestFixture]
public sealed unsafe class CpuChannelsLastTrainingTests
{
    private const double Tolerance = 1e-5;
    private const double Momentum = 0.1, Epsilon = 1e-5;

    private static readonly object[] Shapes =
    [
        new object[] { 2, 16, 5, 7 },
        new object[] { 3, 32, 9, 13 },
        new object[] { 1, 64, 4, 37 },
        new object[] { 2, 48, 11, 13 },
        new object[] { 3, 32, 23, 31 },     // 2139 pixels: three work items of 1024, 1024 and 91
        new object[] { 2, 80, 17, 19 },     // groups 4 + 1; two items of 384 and 262 pixels
    ];

    [TestCaseSource(nameof(Shapes))]
    public void TrainingForwardMatchesPlanar(int n, int c, int h, int w)
    {
        int seed = CpuTestSeed.Next();
        var p = BatchNormProblem.Random(seed, n, c, h, w);
        var planar = p.Forward(new CpuWorkers(2), channelsLast: false);
        var channelsLast = p.Forward(new CpuWorkers(2), channelsLast: true);
        string replay = CpuTestSeed.Replay(seed);
        Log($"forward [{n},{c},{h},{w}]", RequireClose(planar.Output, ToPlanar(channelsLast.Output, n, c, h, w), $"output {replay}"),
            RequireClose(planar.SavedMean, channelsLast.SavedMean, $"saved mean {replay}"),
            RequireClose(planar.SavedInverseStd, channelsLast.SavedInverseStd, $"saved inverse std {replay}"),
            RequireClose(planar.RunningMean, channelsLast.RunningMean, $"running mean {replay}"),
            RequireClose(planar.RunningVariance, channelsLast.RunningVariance, $"running variance {replay}"));
    }

    [TestCaseSource(nameof(Shapes))]
    public void BackwardMatchesPlanar(int n, int c, int h, int w)
    {
        int seed = CpuTestSeed.Next();
        var p = BatchNormProblem.Random(seed, n, c, h, w);
        var planar = p.Backward(new CpuWorkers(2), channelsLast: false, inference: false);
        var channelsLast = p.Backward(new CpuWorkers(2), channelsLast: true, inference: false);
        string replay = CpuTestSeed.Replay(seed);
        Log($"backward [{n},{c},{h},{w}]", RequireClose(planar.GradInput, channelsLast.GradInput, $"dx {replay}"),
            RequireClose(planar.GradGamma, channelsLast.GradGamma, $"dγ {replay}"),
            RequireClose(planar.GradBeta, channelsLast.GradBeta, $"dβ {replay}"));
    }

    [TestCaseSource(nameof(Shapes))]
    public void InferenceBackwardMatchesPlanar(int n, int c, int h, int w)
    {
        int seed = CpuTestSeed.Next();
        var p = BatchNormProblem.Random(seed, n, c, h, w);
        var planar = p.Backward(new CpuWorkers(2), channelsLast: false, inference: true);
        var channelsLast = p.Backward(new CpuWorkers(2), channelsLast: true, inference: true);
        string replay = CpuTestSeed.Replay(seed);
        Log($"inference backward [{n},{c},{h},{w}]", RequireClose(planar.GradInput, channelsLast.GradInput, $"dx {replay}"),
            RequireClose(planar.GradGamma, channelsLast.GradGamma, $"dγ {replay}"),
            RequireClose(planar.GradBeta, channelsLast.GradBeta, $"dβ {replay}"));
    }

    /// <summary>16 work items of 512 pixels (64 channels), three and five groups: 1, 2 and 3 threads give the same bits.</summary>
    [TestCase(4, 64, 40, 51)]
    [TestCase(2, 80, 17, 19)]
    [TestCase(3, 48, 23, 31)]
    public void BatchNormIsBitIdenticalForAnyThreadCount(int n, int c, int h, int w)
    {
        int seed = CpuTestSeed.Next();
        var p = BatchNormProblem.Random(seed, n, c, h, w);
        var forward = new[] { 1, 2, 3 }.Select(k => p.Forward(new CpuWorkers(k), channelsLast: true)).ToArray();
        var backward = new[] { 1, 2, 3 }.Select(k => p.Backward(new CpuWorkers(k), channelsLast: true, inference: false)).ToArray();
        var inference = new[] { 1, 2, 3 }.Select(k => p.Backward(new CpuWorkers(k), channelsLast: true, inference: true)).ToArray();
        for (int k = 1; k < 3; k++)
        {
            string what = $"{k + 1} threads against 1 {CpuTestSeed.Replay(seed)}";
            Assert.That(forward[k].Output, Is.EqualTo(forward[0].Output).AsCollection, $"output, {what}");
            Assert.That(forward[k].SavedMean, Is.EqualTo(forward[0].SavedMean).AsCollection, $"saved mean, {what}");
            Assert.That(forward[k].SavedInverseStd, Is.EqualTo(forward[0].SavedInverseStd).AsCollection, $"saved inverse std, {what}");
            Assert.That(forward[k].RunningMean, Is.EqualTo(forward[0].RunningMean).AsCollection, $"running mean, {what}");
            Assert.That(forward[k].RunningVariance, Is.EqualTo(forward[0].RunningVariance).AsCollection, $"running variance, {what}");
            foreach (var (results, name) in new[] { (backward, "backward"), (inference, "inference backward") })
            {
                Assert.That(results[k].GradInput, Is.EqualTo(results[0].GradInput).AsCollection, $"{name} dx, {what}");
                Assert.That(results[k].GradGamma, Is.EqualTo(results[0].GradGamma).AsCollection, $"{name} dγ, {what}");
                Assert.That(results[k].GradBeta, Is.EqualTo(results[0].GradBeta).AsCollection, $"{name} dβ, {what}");
            }
        }
        Assert.That(forward[0].Output.All(float.IsFinite) && backward[0].GradInput.All(float.IsFinite), Is.True);
    }

    /// <summary>
    /// The residual add and its skip gradient, bit for bit against the planar kernel: a 16-channel skip into the middle
    /// of 48 channels, a skip as wide as the output, skips at offsets that are not whole vectors (the model's 16 → 32 block
    /// puts its skip at 8), and output == input (in place), with 1, 2 and 3 threads.
    /// </summary>
    [TestCase(2, 48, 16, 16, false, 1)]
    [TestCase(2, 48, 16, 16, false, 3)]
    [TestCase(3, 32, 32, 0, false, 2)]
    [TestCase(2, 48, 16, 32, true, 2)]
    [TestCase(1, 64, 32, 0, true, 3)]
    [TestCase(2, 32, 32, 0, true, 2)]
    [TestCase(2, 32, 16, 8, false, 2)]
    [TestCase(3, 64, 32, 24, true, 3)]
    public void ResidualAddMatchesPlanarBitForBit(int n, int c, int skipChannels, int offset, bool inPlace, int threads)
    {
        int seed = CpuTestSeed.Next();
        var random = new TensorRandom(seed);
        const int h = 7, w = 45;    // 315 pixels per image
        var s = new NchwSizes(n, c, h, w);
        var input = random.UniformSingle(n * c * h * w, -2, 2);
        var skip = random.UniformSingle(n * skipChannels * h * w, -2, 2);
        var gradOutput = random.UniformSingle(input.Length, -2, 2);
        var gradSkip = random.UniformSingle(skip.Length, -2, 2);    // the backward accumulates into it
        var skipSizes = new NchwSizes(n, skipChannels, h, w);
        string replay = CpuTestSeed.Replay(seed);

        var planarOut = inPlace ? (float[])input.Clone() : Poisoned(input.Length);
        var planarGradSkip = (float[])gradSkip.Clone();
        fixed (float* x = input, k = skip, y = planarOut, dy = gradOutput, dk = planarGradSkip)
        {
            CpuElementwise.ResidualAddForward(new CpuWorkers(2), s, skipChannels, offset, inPlace ? y : x, k, y);
            CpuElementwise.ResidualAddBackwardSkip(new CpuWorkers(2), s, skipChannels, offset, dy, dk);
        }

        var lastInput = ToChannelsLast(input, s);
        var lastOut = inPlace ? lastInput : Poisoned(input.Length);
        var lastGradSkip = ToChannelsLast(gradSkip, skipSizes);
        var workers = new CpuWorkers(threads);
        fixed (float* x = lastInput, k = ToChannelsLast(skip, skipSizes), y = lastOut, dy = ToChannelsLast(gradOutput, s), dk = lastGradSkip)
        {
            ChannelsLastTrainingKernels.ResidualAddForward(workers, s, skipChannels, offset, x, k, y);
            ChannelsLastTrainingKernels.ResidualAddBackwardSkip(workers, s, skipChannels, offset, dy, dk);
        }
        Assert.That(ToPlanar(lastOut, s), Is.EqualTo(planarOut).AsCollection, $"output {replay}");
        Assert.That(ToPlanar(lastGradSkip, skipSizes), Is.EqualTo(planarGradSkip).AsCollection, $"skip gradient {replay}");
    }

    [Test]
    public void ChannelCountsThatAreNotWholeVectorsAreRefused()
    {
        var s = new NchwSizes(1, 48, 2, 2);
        var buffer = new float[48 * 4];
        var workers = new CpuWorkers(1);
        fixed (float* p = buffer)
        {
            float* q = p;
            var error = Assert.Throws<ArgumentException>(() => ChannelsLastTrainingKernels.ResidualAddForward(workers, s, 16, -8, q, q, q));
            Assert.That(error!.Message, Does.Contain("offset = -8"));
            Assert.Throws<ArgumentException>(() => ChannelsLastTrainingKernels.ResidualAddBackwardSkip(workers, s, 24, 0, q, q));
            Assert.Throws<ArgumentException>(() => ChannelsLastTrainingKernels.ResidualAddForward(workers, s, 32, 32, q, q, q));
            Assert.Throws<ArgumentException>(() => ChannelsLastTrainingKernels.BatchNormInferenceBackward(
                workers, new NchwSizes(1, 24, 2, 2), q, q, q, q, q, 1e-5, q, q, q));
        }
    }

    /// <summary>
    /// One batch norm's inputs in planar layout; runs either kernel on copies. The forward output comes back in the
    /// kernel's layout, the backward's dx planar.
    /// </summary>
    private sealed record BatchNormProblem(NchwSizes S, float[] Input, float[] GradOutput, float[] Gamma, float[] Beta,
        float[] RunningMean, float[] RunningVariance)
    {
        public static BatchNormProblem Random(int seed, int n, int c, int h, int w)
        {
            var random = new TensorRandom(seed);
            int length = n * c * h * w;
            // Means 3 and 0.5 (not 0), so centring matters; per-channel offsets so channels differ.
            var offsets = random.Uniform(c, -1, 1);
            var input = random.Normal(length, 1, 3).Select((v, i) => (float)(v + offsets[i / (h * w) % c])).ToArray();
            var gradOutput = random.Normal(length, 1, 0.5).Select(v => (float)v).ToArray();
            return new BatchNormProblem(new NchwSizes(n, c, h, w), input, gradOutput, random.UniformSingle(c, 0.5f, 1.5f),
                random.UniformSingle(c, -0.5f, 0.5f), random.UniformSingle(c, 2, 4), random.UniformSingle(c, 0.5f, 1.5f));
        }

        public (float[] Output, float[] SavedMean, float[] SavedInverseStd, float[] RunningMean, float[] RunningVariance) Forward(
            CpuWorkers workers, bool channelsLast)
        {
            int c = S.Channels;
            var input = channelsLast ? ToChannelsLast(Input, S) : Input;
            var output = Poisoned(Input.Length);
            var (savedMean, savedInverseStd) = (Poisoned(c), Poisoned(c));
            var (runningMean, runningVariance) = ((float[])RunningMean.Clone(), (float[])RunningVariance.Clone());
            fixed (float* x = input, g = Gamma, b = Beta, rm = runningMean, rv = runningVariance, y = output, sm = savedMean, si = savedInverseStd)
            {
                if (channelsLast)
                    ChannelsLastTrainingKernels.BatchNormTrainingForward(workers, S, x, g, b, rm, rv, Momentum, Epsilon, y, sm, si);
                else
                    CpuBatchNorm.TrainingForward(workers, S, x, g, b, rm, rv, Momentum, Epsilon, y, sm, si);
            }
            return (output, savedMean, savedInverseStd, runningMean, runningVariance);
        }

        /// <summary>
        /// The training backward with the saved statistics of the planar forward, or the inference backward with the
        /// running statistics.
        /// </summary>
        public (float[] GradInput, float[] GradGamma, float[] GradBeta) Backward(CpuWorkers workers, bool channelsLast, bool inference)
        {
            int c = S.Channels;
            var saved = Forward(new CpuWorkers(1), channelsLast: false);
            var input = channelsLast ? ToChannelsLast(Input, S) : Input;
            var gradOutput = channelsLast ? ToChannelsLast(GradOutput, S) : GradOutput;
            var gradInput = Poisoned(Input.Length);
            var (gradGamma, gradBeta) = (Poisoned(c), Poisoned(c));
            fixed (float* x = input, dy = gradOutput, g = Gamma, sm = saved.SavedMean, si = saved.SavedInverseStd,
                rm = RunningMean, rv = RunningVariance, dx = gradInput, dg = gradGamma, db = gradBeta)
            {
                switch (channelsLast, inference)
                {
                    case (true, false): ChannelsLastTrainingKernels.BatchNormBackward(workers, S, x, dy, g, sm, si, dx, dg, db); break;
                    case (false, false): CpuBatchNorm.Backward(workers, S, x, dy, g, sm, si, dx, dg, db); break;
                    case (true, true): ChannelsLastTrainingKernels.BatchNormInferenceBackward(workers, S, x, dy, g, rm, rv, Epsilon, dx, dg, db); break;
                    case (false, true): CpuBatchNorm.InferenceBackward(workers, S, x, dy, g, rm, rv, Epsilon, dx, dg, db); break;
                }
            }
            return (channelsLast ? ToPlanar(gradInput, S) : gradInput, gradGamma, gradBeta);
        }
    }

    private static float[] Poisoned(int length) => Enumerable.Repeat(float.NaN, length).ToArray();

    /// <summary>[n][c][y][x] → [n][y][x][c].</summary>
    private static float[] ToChannelsLast(float[] planar, NchwSizes s)
    {
        var result = new float[planar.Length];
        for (int n = 0; n < s.Batch; n++)
        for (int c = 0; c < s.Channels; c++)
        for (int i = 0; i < s.Plane; i++)
            result[((long)n * s.Plane + i) * s.Channels + c] = planar[((long)n * s.Channels + c) * s.Plane + i];
        return result;
    }

    /// <summary>[n][y][x][c] → [n][c][y][x].</summary>
    private static float[] ToPlanar(float[] channelsLast, NchwSizes s)
    {
        var result = new float[channelsLast.Length];
        for (int n = 0; n < s.Batch; n++)
        for (int c = 0; c < s.Channels; c++)
        for (int i = 0; i < s.Plane; i++)
            result[((long)n * s.Channels + c) * s.Plane + i] = channelsLast[((long)n * s.Plane + i) * s.Channels + c];
        return result;
    }

    private static float[] ToPlanar(float[] channelsLast, int n, int c, int h, int w) => ToPlanar(channelsLast, new NchwSizes(n, c, h, w));

    /// <summary>
    /// Requires max |expected − actual| ≤ <see cref="Tolerance"/>·max(1, max |expected|) (NaN fails) and returns the
    /// error relative to that scale.
    /// </summary>
    private static double RequireClose(float[] expected, float[] actual, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double scale = Math.Max(1, expected.Max(v => Math.Abs((double)v))), error = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            if (!(difference <= Tolerance * scale))
                Assert.Fail($"{what}: element {i} is {actual[i]}, planar {expected[i]} (scale {scale})");
            error = Math.Max(error, difference / scale);
        }
        return error;
    }

    private static void Log(string what, params double[] errors) =>
        TestContext.Out.WriteLine($"{what}: largest relative errors {string.Join(", ", errors.Select(e => e.ToString("0.0e0")))}");
}
