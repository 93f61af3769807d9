using NativeSeg.Engine.Ilgpu;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Validation;

namespace NativeSeg.Engine.Tests.Ilgpu;

/// <summary>
/// Every operation of the ILGPU backend, run on ILGPU's CPU simulator at tiny shapes, against the float64 reference
/// on fresh random inputs (fixed seeds), with outputs poisoned by NaN. Shapes include odd sizes, partial tiles and
/// dilation-4 borders (the 3×3 taps at ±4 leave a 9×9 or 11×13 image on most rows), and reductions long enough to
/// need several slices.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class IlgpuBackendMatchesReferenceTests
{
    private IlgpuTestHarness _h = null!;

    [OneTimeSetUp]
    public void StartBackends() => _h = new IlgpuTestHarness();

    [OneTimeTearDown]
    public void StopBackends() => _h.Dispose();

    /// <summary>Every case of the op catalogue (what <c>nativeseg check</c> runs), on the simulator, one-warp groups.</summary>
    [Test]
    public void EveryCatalogCaseMatchesReference()
    {
        var results = new NumericsCheck(_h.Fast, _h.Reference, seed: 20261204).RunAll();
        Assert.That(results, Is.Not.Empty);
        foreach (var result in results)
        {
            _h.Record($"catalog/{result.Operation}", result.WorstRelativeError);
            Assert.That(result.Passed, Is.True, $"{result.Operation}: {result.WorstRelativeError:E3} > {result.Tolerance:E1} {result.Detail}");
        }
    }

    [TestCase(3, 1, 11, 13, 5, 6)]
    [TestCase(3, 2, 9, 16, 4, 8)]
    [TestCase(3, 4, 11, 13, 5, 6)]
    [TestCase(3, 4, 9, 35, 3, 5)]
    [TestCase(1, 1, 10, 9, 8, 3)]
    // 1×1 over 18 → 21 channels (two input blocks of 16, partial output blocks) and 7×37 planes: the 32-position
    // chunks of the weight gradient straddle the two images.
    [TestCase(1, 1, 7, 37, 18, 21)]
    public void ConvolutionMatchesReference(int kernel, int dilation, int height, int width, int inChannels, int outChannels)
    {
        var random = new Random(1000 * kernel + 10 * dilation + width);
        var inputShape = TensorShape.Nchw(2, inChannels, height, width);
        var outputShape = TensorShape.Nchw(2, outChannels, height, width);
        var weightShape = new TensorShape(outChannels, inChannels, kernel, kernel);
        var (x, xr) = _h.Random(inputShape, random);
        var (w, wr) = _h.Random(weightShape, random);
        var (dy, dyr) = _h.Random(outputShape, random);

        var (yr, yrr) = _h.Output(outputShape);
        _h.Reference.ConvolutionForward(xr, wr, dilation, yrr);
        _h.Fast.ConvolutionForward(x, w, dilation, yr);
        _h.Compare($"ConvolutionForward{(kernel == 3 ? "V3" : "1x1V2")} {kernel}x{kernel}", yr, yrr);

        var (dx, dxr) = _h.Output(inputShape);
        _h.Fast.ConvolutionBackwardData(dy, w, dilation, dx);
        _h.Reference.ConvolutionBackwardData(dyr, wr, dilation, dxr);
        _h.Compare($"ConvolutionBackwardData {kernel}x{kernel}", dx, dxr);

        var (dw, dwr) = _h.Output(weightShape);
        _h.Fast.ConvolutionBackwardWeights(x, dy, dilation, dw);
        _h.Reference.ConvolutionBackwardWeights(xr, dyr, dilation, dwr);
        _h.Compare($"ConvolutionBackwardWeights {kernel}x{kernel}", dw, dwr);
    }

    /// <summary>
    /// The explicitly grouped kernels at the GPU's shape, 256 threads per group (8×32 convolution tiles, 8-level
    /// trees), which the simulator otherwise runs one warp per group to stay fast. Tiny sizes: each simulated
    /// 256-thread barrier costs milliseconds.
    /// </summary>
    private static Tensor Pick((Tensor Fast, Tensor Reference) pair, bool fast) => fast ? pair.Fast : pair.Reference;

    [Test]
    public void GpuShapedGroupsMatchReference()
    {
        var random = new Random(256);
        _h.Fast.GroupSize = 256;
        try
        {
            // 3×3, dilation 4, 9×35: two tile rows and two tile columns, halos past every border.
            var inputShape = TensorShape.Nchw(2, 3, 9, 35);
            var outputShape = TensorShape.Nchw(2, 5, 9, 35);
            var weightShape = new TensorShape(5, 3, 3, 3);
            var (x, xr) = _h.Random(inputShape, random);
            var (w, wr) = _h.Random(weightShape, random);
            var (y, yr) = _h.Output(outputShape);
            _h.Fast.ConvolutionForward(x, w, 4, y);
            _h.Reference.ConvolutionForward(xr, wr, 4, yr);
            _h.Compare("ConvolutionForwardV3 3x3 (256 threads)", y, yr);

            var (dy, dyr) = _h.Random(outputShape, random);
            var (dw, dwr) = _h.Output(weightShape);
            _h.Fast.ConvolutionBackwardWeights(x, dy, 4, dw);
            _h.Reference.ConvolutionBackwardWeights(xr, dyr, 4, dwr);
            _h.Compare("ConvolutionBackwardWeights 3x3 (256 threads)", dw, dwr);
            var (dx3, dx3r) = _h.Output(inputShape);
            _h.Fast.Fill(dx3, float.NaN);
            _h.Fast.ConvolutionBackwardData(dy, w, 4, dx3);
            _h.Reference.ConvolutionBackwardData(dyr, wr, 4, dx3r);
            _h.Compare("ConvolutionBackwardData 3x3 via flipped weights (256 threads)", dx3, dx3r);

            // 1×1 (the channel GEMM) forward and backward-data: 2·9·35 = 630 positions, a partial block of 4·256,
            // and 5 → 11 channels, a partial 8-channel block.
            var (w1, w1r) = _h.Random(new TensorShape(11, 5, 1, 1), random);
            var (y1, y1r) = _h.Output(TensorShape.Nchw(2, 11, 9, 35));
            _h.Fast.Fill(y1, float.NaN);
            _h.Fast.ConvolutionForward(y, w1, 1, y1);
            _h.Reference.ConvolutionForward(yr, w1r, 1, y1r);
            _h.Compare("Convolution1x1V2 forward (256 threads)", y1, y1r);
            var (dx1, dx1r) = _h.Output(outputShape);
            _h.Fast.Fill(dx1, float.NaN);
            _h.Fast.ConvolutionBackwardData(y1, w1, 1, dx1);
            _h.Reference.ConvolutionBackwardData(y1r, w1r, 1, dx1r);
            _h.Compare("Convolution1x1V2 backward data (256 threads)", dx1, dx1r);
            var (dw1, dw1r) = _h.Output(new TensorShape(11, 5, 1, 1));
            _h.Fast.Fill(dw1, float.NaN);
            _h.Fast.ConvolutionBackwardWeights(y, y1, 1, dw1);
            _h.Reference.ConvolutionBackwardWeights(yr, y1r, 1, dw1r);
            _h.Compare("Convolution1x1 weight gradient (256 threads)", dw1, dw1r);

            // The fused inference convolution: input and output batch norm + ReLU and a residual.
            var stats = Enumerable.Range(0, 8).Select(k => _h.Random(TensorShape.Vector(k < 4 ? 3 : 5), random, 0.5f, 1.5f)).ToArray();
            InferenceBatchNorm Norm(int first, bool fast) =>
                new(Pick(stats[first], fast), Pick(stats[first + 1], fast), Pick(stats[first + 2], fast), Pick(stats[first + 3], fast), 1e-5f, Relu: true);
            var (fused, fusedr) = _h.Output(outputShape);
            _h.Fast.Fill(fused, float.NaN);
            _h.Fast.ConvolutionInferenceForward(x, Norm(0, true), w, 4, Norm(4, true), dy, fused);
            _h.Reference.ConvolutionInferenceForward(xr, Norm(0, false), wr, 4, Norm(4, false), dyr, fusedr);
            _h.Compare("ConvolutionInferenceForward 3x3 +bn/relu in, out, +skip (256 threads)", fused, fusedr);

            // Batch norm over 2·9·35 = 630 values per channel, then its backward pass.
            var vector = TensorShape.Vector(3);
            var (gamma, gammar) = _h.Random(vector, random, 0.5f, 1.5f);
            var (beta, betar) = _h.Random(vector, random);
            var (runMean, runMeanr) = _h.Random(vector, random);
            var (runVar, runVarr) = _h.Random(vector, random, 0.5f, 1.5f);
            var (bn, bnr) = _h.Output(inputShape);
            var (mean, meanr) = _h.Output(vector);
            var (invStd, invStdr) = _h.Output(vector);
            _h.Fast.BatchNormTrainingForward(x, gamma, beta, runMean, runVar, BatchNormSettings.Default, bn, mean, invStd);
            _h.Reference.BatchNormTrainingForward(xr, gammar, betar, runMeanr, runVarr, BatchNormSettings.Default, bnr, meanr, invStdr);
            _h.Compare("BatchNormTrainingForward output (256 threads)", bn, bnr);
            var (dbn, dbnr) = _h.Random(inputShape, random);
            var (dx, dxr) = _h.Output(inputShape);
            var (dGamma, dGammar) = _h.Output(vector);
            var (dBeta, dBetar) = _h.Output(vector);
            _h.Fast.BatchNormBackward(x, dbn, gamma, mean, invStd, dx, dGamma, dBeta);
            _h.Reference.BatchNormBackward(xr, dbnr, gammar, meanr, invStdr, dxr, dGammar, dBetar);
            _h.Compare("BatchNormBackward gradInput (256 threads)", dx, dxr);
            _h.Compare("BatchNormBackward gradGamma (256 threads)", dGamma, dGammar);

            // Dice over 9·35 pixels per (slice, class), and the sum of squares.
            var diceShape = TensorShape.Nchw(2, 2, 9, 35);
            var (p, pr) = _h.Input(diceShape, Probabilities(2, 2, 9 * 35, random));
            var (labels, labelsr) = _h.Input(diceShape, OneHotLabels(2, 2, 9 * 35, random));
            var (loss, lossr) = _h.Output(TensorShape.Vector(2));
            _h.Fast.DiceNsLossForward(p, labels, 1e-5f, loss);
            _h.Reference.DiceNsLossForward(pr, labelsr, 1e-5f, lossr);
            _h.Compare("DiceNsLossForward (256 threads)", loss, lossr);
            var (grad, gradr) = _h.Output(diceShape);
            _h.Fast.DiceNsLossBackward(p, labels, 1e-5f, grad);
            _h.Reference.DiceNsLossBackward(pr, labelsr, 1e-5f, gradr);
            _h.Compare("DiceNsLossBackward (256 threads)", grad, gradr);
            var (crossEntropy, crossEntropyr) = _h.Output(TensorShape.Vector(2));
            _h.Fast.CrossEntropyLossForward(p, labels, crossEntropy);
            _h.Reference.CrossEntropyLossForward(pr, labelsr, crossEntropyr);
            _h.Compare("CrossEntropyLossForward (256 threads)", crossEntropy, crossEntropyr);

            double squares = _h.Fast.SumOfSquares(x);
            double expected = _h.Reference.SumOfSquares(xr);
            Assert.That(Math.Abs(squares - expected) / expected, Is.LessThan(1e-7), "SumOfSquares (256 threads)");
        }
        finally
        {
            _h.Fast.GroupSize = 32;
        }
    }

    // 40×40 planes give 3200 terms per channel: 4 reduction slices, so stage 2 has work to do.
    [TestCase(2, 3, 40, 40, 0f)]
    [TestCase(2, 5, 9, 11, 0f)]
    [TestCase(2, 4, 16, 12, 5f)]
    public void BatchNormMatchesReference(int n, int c, int h, int w, float offset)
    {
        var random = new Random(n * 100 + c * 10 + h + (int)offset);
        var shape = TensorShape.Nchw(n, c, h, w);
        var vector = TensorShape.Vector(c);
        var (x, xr) = _h.Random(shape, random, offset - 2f, offset + 2f);
        var (gamma, gammar) = _h.Random(vector, random, 0.5f, 1.5f);
        var (beta, betar) = _h.Random(vector, random);
        var runningValues = IlgpuTestHarness.Values(c, random, 0.5f, 1.5f);
        var (runMean, runMeanr) = _h.Input(vector, IlgpuTestHarness.Values(c, random));
        var (runVar, runVarr) = _h.Input(vector, runningValues);
        var settings = BatchNormSettings.Default;

        var (y, yr) = _h.Output(shape);
        var (mean, meanr) = _h.Output(vector);
        var (invStd, invStdr) = _h.Output(vector);
        _h.Fast.BatchNormTrainingForward(x, gamma, beta, runMean, runVar, settings, y, mean, invStd);
        _h.Reference.BatchNormTrainingForward(xr, gammar, betar, runMeanr, runVarr, settings, yr, meanr, invStdr);
        _h.Compare("BatchNormTrainingForward output", y, yr);
        _h.Compare("BatchNormTrainingForward savedMean", mean, meanr);
        _h.Compare("BatchNormTrainingForward savedInverseStd", invStd, invStdr);
        _h.Compare("BatchNormTrainingForward runningMean", runMean, runMeanr);
        _h.Compare("BatchNormTrainingForward runningVariance", runVar, runVarr);

        var (yi, yir) = _h.Output(shape);
        _h.Fast.BatchNormInferenceForward(x, gamma, beta, runMean, runVar, settings.Epsilon, yi);
        _h.Reference.BatchNormInferenceForward(xr, gammar, betar, runMeanr, runVarr, settings.Epsilon, yir);
        _h.Compare("BatchNormInferenceForward", yi, yir);

        var (dy, dyr) = _h.Random(shape, random);
        var (dx, dxr) = _h.Output(shape);
        var (dGamma, dGammar) = _h.Output(vector);
        var (dBeta, dBetar) = _h.Output(vector);
        _h.Fast.BatchNormBackward(x, dy, gamma, mean, invStd, dx, dGamma, dBeta);
        _h.Reference.BatchNormBackward(xr, dyr, gammar, meanr, invStdr, dxr, dGammar, dBetar);
        _h.Compare("BatchNormBackward gradInput", dx, dxr);
        _h.Compare("BatchNormBackward gradGamma", dGamma, dGammar);
        _h.Compare("BatchNormBackward gradBeta", dBeta, dBetar);

        var (idx, idxr) = _h.Output(shape);
        var (idGamma, idGammar) = _h.Output(vector);
        var (idBeta, idBetar) = _h.Output(vector);
        _h.Fast.BatchNormInferenceBackward(x, dy, gamma, runMean, runVar, settings.Epsilon, idx, idGamma, idBeta);
        _h.Reference.BatchNormInferenceBackward(xr, dyr, gammar, runMeanr, runVarr, settings.Epsilon, idxr, idGammar, idBetar);
        _h.Compare("BatchNormInferenceBackward gradInput", idx, idxr);
        _h.Compare("BatchNormInferenceBackward gradGamma", idGamma, idGammar);
        _h.Compare("BatchNormInferenceBackward gradBeta", idBeta, idBetar);
    }

    [Test]
    public void ReluMatchesReference()
    {
        var random = new Random(11);
        var shape = TensorShape.Nchw(2, 3, 9, 13);
        var (x, xr) = _h.Random(shape, random);
        var (y, yr) = _h.Output(shape);
        _h.Fast.ReluForward(x, y);
        _h.Reference.ReluForward(xr, yr);
        _h.Compare("ReluForward", y, yr);

        var (dy, dyr) = _h.Random(shape, random);
        var (dx, dxr) = _h.Output(shape);
        _h.Fast.ReluBackward(y, dy, dx);
        _h.Reference.ReluBackward(yr, dyr, dxr);
        _h.Compare("ReluBackward", dx, dxr);

        // In place, as the interface allows.
        _h.Fast.ReluForward(x, x);
        _h.Reference.ReluForward(xr, xr);
        _h.Compare("ReluForward in place", x, xr);
    }

    [TestCase(8, 4)]
    [TestCase(8, 3)]
    [TestCase(6, 6)]
    public void ResidualMatchesReference(int channels, int skipChannels)
    {
        var random = new Random(channels * 10 + skipChannels);
        var full = TensorShape.Nchw(2, channels, 9, 11);
        var skipShape = TensorShape.Nchw(2, skipChannels, 9, 11);
        var (x, xr) = _h.Random(full, random);
        var (skip, skipr) = _h.Random(skipShape, random);
        var (y, yr) = _h.Output(full);
        _h.Fast.ResidualAddForward(x, skip, y);
        _h.Reference.ResidualAddForward(xr, skipr, yr);
        _h.Compare("ResidualAddForward", y, yr);

        // The skip gradient accumulates onto what the main path wrote.
        var (dy, dyr) = _h.Random(full, random);
        var (dSkip, dSkipr) = _h.Random(skipShape, random);
        _h.Fast.ResidualAddBackwardSkip(dy, dSkip);
        _h.Reference.ResidualAddBackwardSkip(dyr, dSkipr);
        _h.Compare("ResidualAddBackwardSkip", dSkip, dSkipr);
    }

    [TestCase(2, 2, 9, 11)]
    [TestCase(2, 3, 40, 40)]
    public void SoftmaxAndDiceMatchReference(int n, int classes, int h, int w)
    {
        var random = new Random(n + classes * 7 + h);
        var shape = TensorShape.Nchw(n, classes, h, w);
        var (logits, logitsr) = _h.Random(shape, random, -4f, 4f);
        var (p, pr) = _h.Output(shape);
        _h.Fast.SoftmaxForward(logits, p);
        _h.Reference.SoftmaxForward(logitsr, pr);
        _h.Compare("SoftmaxForward", p, pr);

        // Continue from identical probabilities on both sides so that the Dice check sees only Dice's error.
        var probabilities = _h.Download(p);
        var (pSame, pSamer) = _h.Input(shape, probabilities);
        var (labels, labelsr) = _h.Input(shape, OneHotLabels(n, classes, h * w, random));
        const float epsilon = 1e-5f;
        var (loss, lossr) = _h.Output(TensorShape.Vector(n));
        _h.Fast.DiceNsLossForward(pSame, labels, epsilon, loss);
        _h.Reference.DiceNsLossForward(pSamer, labelsr, epsilon, lossr);
        _h.Compare("DiceNsLossForward", loss, lossr);

        var (grad, gradr) = _h.Output(shape);
        _h.Fast.DiceNsLossBackward(pSame, labels, epsilon, grad);
        _h.Reference.DiceNsLossBackward(pSamer, labelsr, epsilon, gradr);
        _h.Compare("DiceNsLossBackward", grad, gradr);

        var (weights, weightsr) = _h.Random(TensorShape.Nchw(n, 1, h, w), random, 0f, 6f);
        var (weightedLoss, weightedLossr) = _h.Output(TensorShape.Vector(n));
        _h.Fast.DiceNsLossForward(pSame, labels, epsilon, weightedLoss, weights);
        _h.Reference.DiceNsLossForward(pSamer, labelsr, epsilon, weightedLossr, weightsr);
        _h.Compare("DiceNsLossForward weighted", weightedLoss, weightedLossr);
        var (weightedGrad, weightedGradr) = _h.Output(shape);
        _h.Fast.DiceNsLossBackward(pSame, labels, epsilon, weightedGrad, weights);
        _h.Reference.DiceNsLossBackward(pSamer, labelsr, epsilon, weightedGradr, weightsr);
        _h.Compare("DiceNsLossBackward weighted", weightedGrad, weightedGradr);

        // The cross-entropy, its backward added onto the Dice gradient already in the buffer (the trainer's order).
        var (crossEntropy, crossEntropyr) = _h.Output(TensorShape.Vector(n));
        _h.Fast.CrossEntropyLossForward(pSame, labels, crossEntropy);
        _h.Reference.CrossEntropyLossForward(pSamer, labelsr, crossEntropyr);
        _h.Compare("CrossEntropyLossForward", crossEntropy, crossEntropyr);
        _h.Fast.CrossEntropyLossBackwardAdd(pSame, labels, 0.5f, grad);
        _h.Reference.CrossEntropyLossBackwardAdd(pSamer, labelsr, 0.5f, gradr);
        _h.Compare("DiceNsLossBackward + CrossEntropyLossBackwardAdd", grad, gradr);
    }

    [Test]
    public void SumOfSquaresMatchesReference()
    {
        var random = new Random(5);
        foreach (int length in new[] { 7, 1000, 5000 })
        {
            var (t, tr) = _h.Random(TensorShape.Vector(length), random);
            double fast = _h.Fast.SumOfSquares(t);
            double reference = _h.Reference.SumOfSquares(tr);
            double error = Math.Abs(fast - reference) / reference;
            _h.Record("SumOfSquares", error);
            Assert.That(error, Is.LessThan(1e-7), $"length {length}");
        }
    }

    /// <summary>
    /// The batched call puts every tensor's partials at its own offset of one scratch buffer and waits once: each sum
    /// must be the bits of that tensor reduced alone, and match the reference. Lengths of one slice and of several
    /// (1024 terms per slice), in an order where a short tensor follows a long one.
    /// </summary>
    [Test]
    public void SumsOfSquaresInOneCallEqualEachTensorAlone()
    {
        var random = new Random(6);
        var lengths = new[] { 5000, 7, 70_000, 1000, 1 };
        var pairs = lengths.Select(length => _h.Random(TensorShape.Vector(length), random)).ToArray();
        var sums = new double[lengths.Length];
        _h.Fast.SumsOfSquares(pairs.Select(p => p.Fast).ToArray(), sums);
        for (int i = 0; i < lengths.Length; i++)
        {
            double alone = _h.Fast.SumOfSquares(pairs[i].Fast);
            Assert.That(BitConverter.DoubleToInt64Bits(sums[i]), Is.EqualTo(BitConverter.DoubleToInt64Bits(alone)), $"length {lengths[i]}");
            double reference = _h.Reference.SumOfSquares(pairs[i].Reference);
            Assert.That(Math.Abs(sums[i] - reference) / reference, Is.LessThan(1e-7), $"length {lengths[i]} against the reference");
        }
        Assert.Throws<ShapeException>(() => _h.Fast.SumsOfSquares([pairs[0].Fast], new double[2]));
    }

    [Test]
    public void AdamMatchesReferenceOverThreeSteps()
    {
        var random = new Random(3);
        var shape = new TensorShape(16, 8, 3, 3);
        var (theta, thetar) = _h.Random(shape, random);
        var (m, mr) = _h.Input(shape, new float[shape.Length]);
        var (v, vr) = _h.Input(shape, new float[shape.Length]);
        for (int step = 1; step <= 3; step++)
        {
            var (g, gr) = _h.Random(shape, random);
            _h.Fast.AdamStep(theta, g, m, v, AdamSettings.Paper, step, 1e-4f);
            _h.Reference.AdamStep(thetar, gr, mr, vr, AdamSettings.Paper, step, 1e-4f);
        }
        _h.Compare("AdamStep parameter", theta, thetar);
        _h.Compare("AdamStep first moment", m, mr);
        _h.Compare("AdamStep second moment", v, vr);
    }

    [TestCase(9, 11, 16, 7)]
    [TestCase(13, 10, 5, 23)]
    [TestCase(12, 12, 12, 12)]
    public void ResizeMatchesReference(int inH, int inW, int outH, int outW)
    {
        var random = new Random(inH * 31 + outW);
        var inputShape = TensorShape.Nchw(2, 3, inH, inW);
        var outputShape = TensorShape.Nchw(2, 3, outH, outW);
        var (x, xr) = _h.Random(inputShape, random);
        var (y, yr) = _h.Output(outputShape);
        _h.Fast.ResizeBilinearForward(x, y);
        _h.Reference.ResizeBilinearForward(xr, yr);
        _h.Compare("ResizeBilinearForward", y, yr);

        var (dy, dyr) = _h.Random(outputShape, random);
        var (dx, dxr) = _h.Output(inputShape);
        _h.Fast.ResizeBilinearBackward(dy, dx);
        _h.Reference.ResizeBilinearBackward(dyr, dxr);
        _h.Compare("ResizeBilinearBackward", dx, dxr);
    }

    [Test]
    public void FillAndCopyWriteEveryElement()
    {
        var shape = TensorShape.Nchw(2, 3, 5, 7);
        var (source, _) = _h.Random(shape, new Random(9));
        var (copy, _) = _h.Output(shape);
        _h.Fast.Copy(source, copy);
        Assert.That(_h.Download(copy), Is.EqualTo(_h.Download(source)));
        _h.Fast.Fill(copy, 2.5f);
        Assert.That(_h.Download(copy), Is.All.EqualTo(2.5f));
    }

    /// <summary>Random class probabilities that sum to 1 over the classes of every pixel.</summary>
    private static float[] Probabilities(int n, int classes, int plane, Random random)
    {
        var values = new float[n * classes * plane];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < plane; i++)
        {
            float total = 0;
            for (int c = 0; c < classes; c++) total += values[(b * classes + c) * plane + i] = 0.05f + random.NextSingle();
            for (int c = 0; c < classes; c++) values[(b * classes + c) * plane + i] /= total;
        }
        return values;
    }

    private static float[] OneHotLabels(int n, int classes, int plane, Random random)
    {
        var labels = new float[n * classes * plane];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < plane; i++)
            labels[(b * classes + random.Next(classes)) * plane + i] = 1f;
        return labels;
    }
}
