using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Ilgpu;
using NativeSeg.Kernels.Dev.Versions;

namespace NativeSeg.Kernels.Dev.Tests;

/// <summary>
/// The kernel lab's numbered convolution versions (forward V1 for 3×3, V3 and V4, 1×1 V2, backward-data V3 and V4 (flipped weights through forward V3 and V4),
/// backward-weights V2 and 1×1 P2, the fused inference V3) through <see cref="ExperimentalIlgpuBackend"/>, each against the float64 reference on ILGPU's CPU simulator, on fresh random inputs with NaN-poisoned outputs:
/// odd sizes, partial tiles and channel blocks, dilation-4 borders, at the simulator's one-warp groups and once at
/// the GPU's 256-thread groups. Also: the weight gradient repeats bit for bit and does not depend on the group
/// size, the register blocks really stay in registers (no local memory in the PTX), and every experimental kernel
/// compiles to PTX for sm_90.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ConvolutionKernelVersionsTests
{
    private IlgpuTestHarness _h = null!;
    private ExperimentalIlgpuBackend _lab = null!;

    [OneTimeSetUp]
    public void StartBackends()
    {
        _h = new IlgpuTestHarness();
        // Not disposed on its own: the harness disposes the simulator it wraps.
        _lab = new ExperimentalIlgpuBackend(_h.Fast, KernelVersions.Product);
    }

    [OneTimeTearDown]
    public void StopBackends() => _h.Dispose();

    [TearDown]
    public void RestoreDefaults()
    {
        _lab.GroupSize = 32;
        _lab.Versions = KernelVersions.Product;
    }

    // kernel, dilation, height, width, in, out: partial 1×32 tiles, channel counts off the 4 (input chunk), 8 (output
    // block) and 16 (input lanes) multiples, and taps that reach past every border.
    [TestCase(3, 1, 7, 33, 5, 9)]
    [TestCase(3, 2, 9, 16, 4, 8)]
    [TestCase(3, 4, 11, 13, 3, 6)]
    [TestCase(3, 4, 5, 35, 17, 3)]
    [TestCase(1, 1, 10, 9, 8, 3)]
    public void NewVersionsMatchReference(int kernel, int dilation, int height, int width, int inChannels, int outChannels) =>
        CheckAllVersions(kernel, dilation, height, width, inChannels, outChannels, new Random(31 * width + 7 * dilation + inChannels), "");

    /// <summary>1×1 V2 (a GEMM over channels): channel counts off the 8-block and past one 64-channel chunk, a
    /// position count off the 4·DimX span; forward, and backward-data through the transposed weights.</summary>
    [TestCase(32, 5, 7, 3, 17)]
    [TestCase(256, 3, 5, 70, 9)]
    public void PointwiseV2MatchesReference(int groupSize, int height, int width, int inChannels, int outChannels)
    {
        var random = new Random(groupSize + inChannels);
        _lab.GroupSize = groupSize;
        _lab.Versions = KernelVersions.Product with { Pointwise = PointwiseVersion.V2, BackwardData = BackwardDataVersion.V3 };
        var inputShape = TensorShape.Nchw(2, inChannels, height, width);
        var outputShape = TensorShape.Nchw(2, outChannels, height, width);
        var weightShape = new TensorShape(outChannels, inChannels, 1, 1);
        var (x, xr) = _h.Random(inputShape, random);
        var (w, wr) = _h.Random(weightShape, random);
        var (dy, dyr) = _h.Random(outputShape, random);
        var (y, yr) = _h.Output(outputShape);
        _lab.ConvolutionForward(x, w, 1, y);
        _h.Reference.ConvolutionForward(xr, wr, 1, yr);
        _h.Compare($"ConvolutionForward 1x1 PointwiseV2 ({groupSize} threads)", y, yr);
        var (dx, dxr) = _h.Output(inputShape);
        _lab.ConvolutionBackwardData(dy, w, 1, dx);
        _h.Reference.ConvolutionBackwardData(dyr, wr, 1, dxr);
        _h.Compare($"ConvolutionBackwardData 1x1 PointwiseV2 ({groupSize} threads)", dx, dxr);
    }

    /// <summary>
    /// 1×1 weight gradient P2 (a GEMM over positions): 18 → 21 channels (two 16-channel input blocks, partial output
    /// blocks), 7×37 planes so the 32-position chunks straddle the two images, NaN-poisoned output; and the same bits
    /// at 32 and 256 threads (the order of every sum depends on the shapes alone).
    /// </summary>
    [Test]
    public void PointwiseBackwardWeightsMatchReferenceAndRepeatAtEveryGroupSize()
    {
        var random = new Random(1837);
        var (x, xr) = _h.Random(TensorShape.Nchw(2, 18, 7, 37), random);
        var (dy, dyr) = _h.Random(TensorShape.Nchw(2, 21, 7, 37), random);
        var shape = new TensorShape(21, 18, 1, 1);
        var (expected, expectedr) = _h.Output(shape);
        _h.Reference.ConvolutionBackwardWeights(xr, dyr, 1, expectedr);
        _lab.Versions = KernelVersions.Product with { PointwiseWeights = PointwiseWeightsVersion.V2 };
        float[] Run(int groupSize)
        {
            _lab.GroupSize = groupSize;
            var (dw, _) = _h.Output(shape);
            _h.Fast.Fill(dw, float.NaN);
            _lab.ConvolutionBackwardWeights(x, dy, 1, dw);
            _h.Compare($"ConvolutionBackwardWeights 1x1 P2 ({groupSize} threads)", dw, expectedr);
            return _h.Download(dw);
        }
        var narrow = Run(32);
        var wide = Run(256);
        for (int k = 0; k < narrow.Length; k++)
            Assert.That(BitConverter.SingleToInt32Bits(wide[k]), Is.EqualTo(BitConverter.SingleToInt32Bits(narrow[k])), $"256 threads, weight {k}");
    }

    /// <summary>
    /// Inference V3 (the fused convolution on forward V3's tiles) against the float64 reference: input and output
    /// batch norm + ReLU, a residual into part of the output channels, partial chunks and output blocks, halos past
    /// every border; at one warp and at the GPU's 256 threads.
    /// </summary>
    [TestCase(32, 6, 5, 4, true, true, 0)]
    [TestCase(32, 5, 11, 2, false, false, 4)]
    [TestCase(32, 3, 9, 1, true, false, 9)]
    [TestCase(256, 6, 10, 4, true, true, 10)]
    public void InferenceV3MatchesReference(int groupSize, int inChannels, int outChannels, int dilation, bool before, bool after, int skipChannels)
    {
        var random = new Random(groupSize + 10 * inChannels + outChannels);
        _lab.GroupSize = groupSize;
        _lab.Versions = KernelVersions.Product with { Inference = InferenceVersion.V3 };
        var (x, xr) = _h.Random(TensorShape.Nchw(2, inChannels, 9, 37), random, -2f, 2f);
        var (w, wr) = _h.Random(new TensorShape(outChannels, inChannels, 3, 3), random);
        var (skip, skipr) = _h.Random(TensorShape.Nchw(2, Math.Max(skipChannels, 1), 9, 37), random);
        var (y, yr) = _h.Output(TensorShape.Nchw(2, outChannels, 9, 37));
        var first = Statistics(inChannels, random);
        var second = Statistics(outChannels, random);
        InferenceBatchNorm? Norm((Tensor[] Fast, Tensor[] Reference) s, bool fast, bool use)
        {
            if (!use) return null;
            var t = fast ? s.Fast : s.Reference;
            return new InferenceBatchNorm(t[0], t[1], t[2], t[3], 1e-5f, Relu: true);
        }
        _h.Fast.Fill(y, float.NaN);
        _lab.ConvolutionInferenceForward(x, Norm(first, true, before), w, dilation, Norm(second, true, after), skipChannels > 0 ? skip : null, y);
        _h.Reference.ConvolutionInferenceForward(xr, Norm(first, false, before), wr, dilation, Norm(second, false, after),
            skipChannels > 0 ? skipr : null, yr);
        _h.Compare($"ConvolutionInferenceForward V3 d{dilation} {inChannels}→{outChannels}{(before ? " +bn in" : "")}" +
            $"{(after ? " +bn out" : "")}{(skipChannels > 0 ? $" +skip {skipChannels}" : "")} ({groupSize} threads)", y, yr);
    }

    /// <summary>γ, β, running mean and a positive running variance on both backends.</summary>
    private (Tensor[] Fast, Tensor[] Reference) Statistics(int channels, Random random)
    {
        var pairs = new[]
        {
            _h.Random(TensorShape.Vector(channels), random, 0.5f, 1.5f), _h.Random(TensorShape.Vector(channels), random),
            _h.Random(TensorShape.Vector(channels), random), _h.Random(TensorShape.Vector(channels), random, 0.5f, 1.5f),
        };
        return (pairs.Select(p => p.Fast).ToArray(), pairs.Select(p => p.Reference).ToArray());
    }

    /// <summary>The GPU's group shape: 256 threads, 32×32 forward tiles, 64-output-channel backward-weights blocks.</summary>
    [Test]
    public void NewVersionsMatchReferenceWithGpuShapedGroups()
    {
        _lab.GroupSize = 256;
        CheckAllVersions(3, 4, 9, 35, 3, 5, new Random(256), " (256 threads)");
    }

    private void CheckAllVersions(int kernel, int dilation, int height, int width, int inChannels, int outChannels,
        Random random, string suffix)
    {
        var inputShape = TensorShape.Nchw(2, inChannels, height, width);
        var outputShape = TensorShape.Nchw(2, outChannels, height, width);
        var weightShape = new TensorShape(outChannels, inChannels, kernel, kernel);
        var (x, xr) = _h.Random(inputShape, random);
        var (w, wr) = _h.Random(weightShape, random);
        var (dy, dyr) = _h.Random(outputShape, random);
        string size = $"{kernel}x{kernel}";

        var (y, yr) = _h.Output(outputShape);
        _h.Reference.ConvolutionForward(xr, wr, dilation, yr);
        foreach (var version in new[] { ForwardVersion.V1, ForwardVersion.V3, ForwardVersion.V4 })
        {
            _lab.Versions = KernelVersions.Product with { Forward = version };
            _h.Fast.Fill(y, float.NaN);
            _lab.ConvolutionForward(x, w, dilation, y);
            _h.Compare($"ConvolutionForward{(kernel == 3 ? version.ToString() : "V1")} {size}{suffix}", y, yr);
        }

        var (dx, dxr) = _h.Output(inputShape);
        _h.Reference.ConvolutionBackwardData(dyr, wr, dilation, dxr);
        foreach (var version in new[] { BackwardDataVersion.V3, BackwardDataVersion.V4 })
        {
            _lab.Versions = KernelVersions.Product with { BackwardData = version };
            _h.Fast.Fill(dx, float.NaN);
            _lab.ConvolutionBackwardData(dy, w, dilation, dx);
            _h.Compare($"ConvolutionBackwardData{version} {size}{suffix}", dx, dxr);
        }

        _lab.Versions = KernelVersions.Product with { BackwardWeights = BackwardWeightsVersion.V2 };
        var (dw, dwr) = _h.Output(weightShape);
        _lab.ConvolutionBackwardWeights(x, dy, dilation, dw);
        _h.Reference.ConvolutionBackwardWeights(xr, dyr, dilation, dwr);
        _h.Compare($"ConvolutionBackwardWeights{(kernel == 3 ? "V2" : "V1")} {size}{suffix}", dw, dwr);
    }

    [TestCase(ForwardVersion.V2)]
    [TestCase(ForwardVersion.V3)]
    [TestCase(ForwardVersion.V4)]
    public void ForwardVersionReproducesV1(ForwardVersion version)
    {
        var random = new Random(3);
        var (x, _) = _h.Random(TensorShape.Nchw(2, 6, 10, 37), random);
        var (w, _) = _h.Random(new TensorShape(11, 6, 3, 3), random);
        var (y1, _) = _h.Output(TensorShape.Nchw(2, 11, 10, 37));
        var (yv, _) = _h.Output(TensorShape.Nchw(2, 11, 10, 37));
        _lab.Versions = KernelVersions.Product with { Forward = ForwardVersion.V1 };
        _lab.ConvolutionForward(x, w, 2, y1);
        _lab.Versions = KernelVersions.Product with { Forward = version };
        _lab.ConvolutionForward(x, w, 2, yv);
        var a = _h.Download(y1);
        var b = _h.Download(yv);
        double worst = 0;
        for (int k = 0; k < a.Length; k++) worst = Math.Max(worst, Math.Abs(a[k] - b[k]));
        TestContext.Progress.WriteLine($"ConvolutionForward {version} vs V1: max abs difference {worst:E2}");
        Assert.That(worst, Is.LessThan(1e-6));
    }

    /// <summary>
    /// Weight-gradient V2 adds every weight's terms in an order set by the shapes alone (slices, then chunks, then
    /// positions), so a second run, and a run with 256-thread groups, give the same bits. The shape has several
    /// slices (2·12·2 = 48 chunks of 2×32, 16 per slice).
    /// </summary>
    [Test]
    public void BackwardWeightsV2RepeatsBitForBitAtEveryGroupSize()
    {
        var random = new Random(48);
        var (x, _) = _h.Random(TensorShape.Nchw(2, 3, 24, 40), random);
        var (dy, _) = _h.Random(TensorShape.Nchw(2, 5, 24, 40), random);
        var shape = new TensorShape(5, 3, 3, 3);
        Assert.That(ConvolutionBackwardWeightsV2Kernels.Slices(new ConvolutionGeometry(2, 3, 5, 24, 40, 3, 2)), Is.GreaterThan(1));
        _lab.Versions = KernelVersions.Product with { BackwardWeights = BackwardWeightsVersion.V2 };
        float[] Run(int groupSize)
        {
            _lab.GroupSize = groupSize;
            var (dw, _) = _h.Output(shape);
            _lab.ConvolutionBackwardWeights(x, dy, 2, dw);
            return _h.Download(dw);
        }
        var first = Run(32);
        var second = Run(32);
        var wide = Run(256);
        for (int k = 0; k < first.Length; k++)
        {
            Assert.That(BitConverter.SingleToInt32Bits(second[k]), Is.EqualTo(BitConverter.SingleToInt32Bits(first[k])), $"second run, weight {k}");
            Assert.That(BitConverter.SingleToInt32Bits(wide[k]), Is.EqualTo(BitConverter.SingleToInt32Bits(first[k])), $"256 threads, weight {k}");
        }
    }

    [Test]
    public void VersionSpecificationsSelectKernelsAndRejectUnknownOnes()
    {
        var versions = KernelVersions.Parse("forward=V4, backward-data=V4,backward-weights=V2,pointwise=V2,pointwise-weights=V2,inference=V3");
        Assert.That(versions, Is.EqualTo(KernelVersions.Newest));
        Assert.That(KernelVersions.Parse(versions.ToString()), Is.EqualTo(versions));
        Assert.That(KernelVersions.Parse(""), Is.EqualTo(KernelVersions.Product));
        _lab.Versions = versions;
        Assert.That(_lab.Description, Does.Contain("forward=V4"));
        Assert.Throws<ArgumentException>(() => KernelVersions.Parse("forward=V9"));
        Assert.Throws<ArgumentException>(() => KernelVersions.Parse("forward=3"));
        Assert.Throws<ArgumentException>(() => KernelVersions.Parse("sideways=V1"));
    }

    /// <summary>The PTX dump that the GPU run reads with ptxas: every product and experimental kernel, each compiled for sm_90.</summary>
    [Test]
    public void EveryKernelOfTheLabCompilesToPtxForSm90()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"nativeseg-ptx-{Environment.ProcessId}");
        try
        {
            Assert.That(PtxDump.Write(directory), Is.Zero);
            var files = Directory.GetFiles(directory, "*.ptx").Select(Path.GetFileNameWithoutExtension).ToList();
            Assert.That(files, Has.Count.EqualTo(PtxDump.Kernels().Count()));
            foreach (var experiment in new[] { "ConvolutionForwardV3Kernels.ConvolutionForwardV3", "ConvolutionForwardV4Kernels.ConvolutionForwardV4",
                         "Convolution1x1V2Kernels.Convolution1x1V2", "ConvolutionBackwardDataTransposedKernels.FlipTransposeWeights",
                         "ConvolutionBackwardWeightsV2Kernels.BackwardWeightsV2Partials", "ConvolutionForwardV2Kernels.ConvolutionForwardV2",
                         "ConvolutionInferenceV3Kernels.ConvolutionInferenceForwardV3", "Convolution1x1BackwardWeightsKernels.BackwardWeightsPartials" })
            {
                Assert.That(files, Does.Contain(experiment));
                Assert.That(File.ReadAllText(Path.Combine(directory, experiment + ".ptx")), Does.Contain(".entry"), experiment);
            }
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void SharedMemoryFitsTheCudaLimit()
    {
        Assert.That(ConvolutionForwardV3Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(ConvolutionForwardV4Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(Convolution1x1V2Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(ConvolutionBackwardWeightsV2Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(Convolution1x1BackwardWeightsKernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
    }

    /// <summary>
    /// The 32 (forward V3), 64 (forward V4) and 36 (weight gradient) sums per thread are the point of these versions: if ILGPU kept a
    /// register block in memory, the PTX would declare a .local array. None may.
    /// </summary>
    [Test]
    public void RegisterBlocksStayInRegisters()
    {
        using var context = Context.Create(builder => builder.EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90),
            CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null);
        foreach (var method in new[]
                 {
                     typeof(ConvolutionForwardV3Kernels).GetMethod(nameof(ConvolutionForwardV3Kernels.ConvolutionForwardV3))!,
                     typeof(ConvolutionForwardV4Kernels).GetMethod(nameof(ConvolutionForwardV4Kernels.ConvolutionForwardV4))!,
                     typeof(Convolution1x1V2Kernels).GetMethod(nameof(Convolution1x1V2Kernels.Convolution1x1V2))!,
                     typeof(ConvolutionBackwardWeightsV2Kernels).GetMethod(nameof(ConvolutionBackwardWeightsV2Kernels.BackwardWeightsV2Partials))!,
                 })
        {
            var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
            Assert.That(compiled.PTXAssembly, Does.Not.Contain(".local"), method.Name);
            int fmas = System.Text.RegularExpressions.Regex.Matches(compiled.PTXAssembly, @"\b(fma|mad)\.rn\.f32|\bmul\.rn?\.?f32|\bmul\.f32").Count;
            TestContext.Progress.WriteLine($"{method.Name}: no .local; {fmas} f32 multiply instructions in the PTX");
        }
    }
}
