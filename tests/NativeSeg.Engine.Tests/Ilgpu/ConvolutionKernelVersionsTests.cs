using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NativeSeg.Engine.Ilgpu;
using NativeSeg.Engine.Tensors;
using NativeSeg.Kernels;

namespace NativeSeg.Engine.Tests.Ilgpu;

/// <summary>
/// The numbered convolution kernel versions past the defaults (forward V3 and V4, 1×1 V2, backward-data V2 and V3, weight-gradient V2),
/// each against the float64 reference on ILGPU's CPU simulator, on fresh random inputs with NaN-poisoned outputs:
/// odd sizes, partial tiles and channel blocks, dilation-4 borders, at the simulator's one-warp groups and once at
/// the GPU's 256-thread groups. Also: the weight gradient repeats bit for bit and does not depend on the group
/// size, and the register blocks really stay in registers (no local memory in the PTX).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ConvolutionKernelVersionsTests
{
    private IlgpuTestHarness _h = null!;

    [OneTimeSetUp]
    public void StartBackends() => _h = new IlgpuTestHarness();

    [OneTimeTearDown]
    public void StopBackends() => _h.Dispose();

    [TearDown]
    public void RestoreDefaults()
    {
        _h.Fast.GroupSize = 32;
        _h.Fast.ForwardVersion = ConvolutionForwardVersion.V2;
        _h.Fast.BackwardDataVersion = ConvolutionBackwardDataVersion.V1;
        _h.Fast.WeightGradientVersion = ConvolutionWeightGradientVersion.V1;
        _h.Fast.PointwiseVersion = PointwiseConvolutionVersion.V1;
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
        _h.Fast.GroupSize = groupSize;
        _h.Fast.PointwiseVersion = PointwiseConvolutionVersion.V2;
        _h.Fast.BackwardDataVersion = ConvolutionBackwardDataVersion.V2;
        var inputShape = TensorShape.Nchw(2, inChannels, height, width);
        var outputShape = TensorShape.Nchw(2, outChannels, height, width);
        var weightShape = new TensorShape(outChannels, inChannels, 1, 1);
        var (x, xr) = _h.Random(inputShape, random);
        var (w, wr) = _h.Random(weightShape, random);
        var (dy, dyr) = _h.Random(outputShape, random);
        var (y, yr) = _h.Output(outputShape);
        _h.Fast.ConvolutionForward(x, w, 1, y);
        _h.Reference.ConvolutionForward(xr, wr, 1, yr);
        _h.Compare($"ConvolutionForward 1x1 PointwiseV2 ({groupSize} threads)", y, yr);
        var (dx, dxr) = _h.Output(inputShape);
        _h.Fast.ConvolutionBackwardData(dy, w, 1, dx);
        _h.Reference.ConvolutionBackwardData(dyr, wr, 1, dxr);
        _h.Compare($"ConvolutionBackwardData 1x1 PointwiseV2 ({groupSize} threads)", dx, dxr);
    }

    /// <summary>The GPU's group shape: 256 threads, 32×32 forward tiles, 64-output-channel weight-gradient blocks.</summary>
    [Test]
    public void NewVersionsMatchReferenceWithGpuShapedGroups()
    {
        _h.Fast.GroupSize = 256;
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
        foreach (var version in new[] { ConvolutionForwardVersion.V3, ConvolutionForwardVersion.V4 })
        {
            _h.Fast.ForwardVersion = version;
            _h.Fast.Fill(y, float.NaN);
            _h.Fast.ConvolutionForward(x, w, dilation, y);
            _h.Compare($"ConvolutionForward{(kernel == 3 ? version.ToString() : "V1")} {size}{suffix}", y, yr);
        }

        var (dx, dxr) = _h.Output(inputShape);
        _h.Reference.ConvolutionBackwardData(dyr, wr, dilation, dxr);
        foreach (var version in new[] { ConvolutionBackwardDataVersion.V2, ConvolutionBackwardDataVersion.V3 })
        {
            _h.Fast.BackwardDataVersion = version;
            _h.Fast.Fill(dx, float.NaN);
            _h.Fast.ConvolutionBackwardData(dy, w, dilation, dx);
            _h.Compare($"ConvolutionBackwardData{version} {size}{suffix}", dx, dxr);
        }

        _h.Fast.WeightGradientVersion = ConvolutionWeightGradientVersion.V2;
        var (dw, dwr) = _h.Output(weightShape);
        _h.Fast.ConvolutionBackwardWeights(x, dy, dilation, dw);
        _h.Reference.ConvolutionBackwardWeights(xr, dyr, dilation, dwr);
        _h.Compare($"ConvolutionWeightGradient{(kernel == 3 ? "V2" : "V1")} {size}{suffix}", dw, dwr);
    }

    [TestCase(ConvolutionForwardVersion.V3)]
    [TestCase(ConvolutionForwardVersion.V4)]
    public void ForwardVersionReproducesV1(ConvolutionForwardVersion version)
    {
        var random = new Random(3);
        var (x, _) = _h.Random(TensorShape.Nchw(2, 6, 10, 37), random);
        var (w, _) = _h.Random(new TensorShape(11, 6, 3, 3), random);
        var (y1, _) = _h.Output(TensorShape.Nchw(2, 11, 10, 37));
        var (yv, _) = _h.Output(TensorShape.Nchw(2, 11, 10, 37));
        _h.Fast.ForwardVersion = ConvolutionForwardVersion.V1;
        _h.Fast.ConvolutionForward(x, w, 2, y1);
        _h.Fast.ForwardVersion = version;
        _h.Fast.ConvolutionForward(x, w, 2, yv);
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
    public void WeightGradientV2RepeatsBitForBitAtEveryGroupSize()
    {
        var random = new Random(48);
        var (x, _) = _h.Random(TensorShape.Nchw(2, 3, 24, 40), random);
        var (dy, _) = _h.Random(TensorShape.Nchw(2, 5, 24, 40), random);
        var shape = new TensorShape(5, 3, 3, 3);
        Assert.That(ConvolutionWeightGradientV2Kernels.Slices(new ConvolutionGeometry(2, 3, 5, 24, 40, 3, 2)), Is.GreaterThan(1));
        _h.Fast.WeightGradientVersion = ConvolutionWeightGradientVersion.V2;
        float[] Run(int groupSize)
        {
            _h.Fast.GroupSize = groupSize;
            var (dw, _) = _h.Output(shape);
            _h.Fast.ConvolutionBackwardWeights(x, dy, 2, dw);
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
    public void VersionOverridesSelectKernelsAndRejectUnknownOnes()
    {
        _h.Fast.ApplyVersionOverrides("forward=V4, backward-data=V3,weight-gradient=V2,pointwise=V2");
        Assert.That(_h.Fast.ForwardVersion, Is.EqualTo(ConvolutionForwardVersion.V4));
        Assert.That(_h.Fast.BackwardDataVersion, Is.EqualTo(ConvolutionBackwardDataVersion.V3));
        Assert.That(_h.Fast.WeightGradientVersion, Is.EqualTo(ConvolutionWeightGradientVersion.V2));
        Assert.That(_h.Fast.PointwiseVersion, Is.EqualTo(PointwiseConvolutionVersion.V2));
        Assert.That(_h.Fast.Description, Does.Contain("forward V4"));
        Assert.Throws<ArgumentException>(() => _h.Fast.ApplyVersionOverrides("forward=V9"));
        Assert.Throws<ArgumentException>(() => _h.Fast.ApplyVersionOverrides("sideways=V1"));
    }

    [Test]
    public void SharedMemoryFitsTheCudaLimit()
    {
        Assert.That(ConvolutionForwardV3Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(ConvolutionForwardV4Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(Convolution1x1V2Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(ConvolutionWeightGradientV2Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
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
                     typeof(ConvolutionWeightGradientV2Kernels).GetMethod(nameof(ConvolutionWeightGradientV2Kernels.WeightGradientV2Partials))!,
                 })
        {
            var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
            Assert.That(compiled.PTXAssembly, Does.Not.Contain(".local"), method.Name);
            int fmas = System.Text.RegularExpressions.Regex.Matches(compiled.PTXAssembly, @"\b(fma|mad)\.rn\.f32|\bmul\.rn?\.?f32|\bmul\.f32").Count;
            TestContext.Progress.WriteLine($"{method.Name}: no .local; {fmas} f32 multiply instructions in the PTX");
        }
    }
}
