using System.Runtime.CompilerServices;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Validation;

namespace NativeSeg.Engine.Tests.Validation;

/// <summary>
/// The op catalogue is complete (every operation of <see cref="IBackend"/> has a case, so a new operation cannot be
/// left out of <c>nativeseg check</c> and the backend tests), and every finite-difference proof it declares holds.
/// </summary>
[TestFixture]
public sealed class OperationCatalogTests
{
    private const int Seed = 20261204;

    /// <summary>Methods that move data rather than compute: every case uses them, none needs a case of its own.</summary>
    private static readonly HashSet<string> Plumbing =
        [nameof(IBackend.Allocate), nameof(IBackend.Upload), nameof(IBackend.Download), nameof(IBackend.Fill), nameof(IBackend.Synchronize),
         nameof(IDisposable.Dispose), "get_" + nameof(IBackend.Name), "get_" + nameof(IBackend.Description)];

    [Test]
    public void EveryBackendOperationHasACatalogCase()
    {
        using var recorder = new CallRecorder(new ReferenceBackend());
        var cases = new OperationCatalog(Seed).Cases();
        foreach (var c in cases)
        {
            var outputs = c.Run(recorder);
            Assert.That(outputs, Is.Not.Empty, c.Name);
        }
        var operations = typeof(IBackend).GetMethods().Select(m => m.Name).Where(name => !Plumbing.Contains(name)).Distinct().ToList();
        Assert.That(operations, Is.SubsetOf(recorder.Called), $"operations without a case in {nameof(OperationCatalog)}");
        Assert.That(cases.Select(c => c.Name), Is.Unique);
        TestContext.Progress.WriteLine($"op catalogue: {cases.Count} cases over {operations.Count} operations");
    }

    [Test]
    public void TheSameSeedGivesTheSameCases()
    {
        using var reference = new ReferenceBackend();
        var first = new OperationCatalog(Seed).Cases();
        var second = new OperationCatalog(Seed).Cases();
        Assert.That(second.Select(c => c.Name), Is.EqualTo(first.Select(c => c.Name)));
        for (int i = 0; i < first.Count; i += 7)
            Assert.That(second[i].Run(reference), Is.EqualTo(first[i].Run(reference)), first[i].Name);
    }

    private static IEnumerable<GradientProof> Proofs() => new OperationCatalog(Seed).GradientProofs();

    [TestCaseSource(nameof(Proofs))]
    public void GradientProofHolds(GradientProof proof)
    {
        var result = FiniteDifferenceCheck.Judge(proof);
        Assert.That(result.Passed, Is.True, $"{proof.Name}: {result.WorstRelativeError:E2} > {result.Tolerance:E0}");
    }

    /// <summary>
    /// Forwards every call and remembers which operations were called. It overrides every operation of
    /// <see cref="DelegatingBackend"/>: a new operation must be added here too, or this test names it as missing.
    /// </summary>
    private sealed class CallRecorder(IBackend inner) : DelegatingBackend(inner)
    {
        public HashSet<string> Called { get; } = new(StringComparer.Ordinal);

        private void Note([CallerMemberName] string operation = "") => Called.Add(operation);

        public override void Copy(Tensor source, Tensor destination) { Note(); base.Copy(source, destination); }
        public override void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output) { Note(); base.ConvolutionForward(input, weights, dilation, output); }
        public override void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput) { Note(); base.ConvolutionBackwardData(gradOutput, weights, dilation, gradInput); }
        public override void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights) { Note(); base.ConvolutionBackwardWeights(input, gradOutput, dilation, gradWeights); }
        public override void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation, InferenceBatchNorm? after, Tensor? residual, Tensor output)
        { Note(); base.ConvolutionInferenceForward(input, before, weights, dilation, after, residual, output); }
        public override void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd)
        { Note(); base.BatchNormTrainingForward(input, gamma, beta, runningMean, runningVariance, settings, output, savedMean, savedInverseStd); }
        public override void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, float epsilon, Tensor output)
        { Note(); base.BatchNormInferenceForward(input, gamma, beta, runningMean, runningVariance, epsilon, output); }
        public override void BatchNormInferenceBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor runningMean,
            Tensor runningVariance, float epsilon, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
        { Note(); base.BatchNormInferenceBackward(input, gradOutput, gamma, runningMean, runningVariance, epsilon, gradInput, gradGamma, gradBeta); }
        public override void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
        { Note(); base.BatchNormBackward(input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta); }
        public override void ReluForward(Tensor input, Tensor output) { Note(); base.ReluForward(input, output); }
        public override void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput) { Note(); base.ReluBackward(output, gradOutput, gradInput); }
        public override void ResidualAddForward(Tensor input, Tensor skip, Tensor output) { Note(); base.ResidualAddForward(input, skip, output); }
        public override void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip) { Note(); base.ResidualAddBackwardSkip(gradOutput, gradSkip); }
        public override void SoftmaxForward(Tensor logits, Tensor probabilities) { Note(); base.SoftmaxForward(logits, probabilities); }
        public override void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses, Tensor? pixelWeights = null) { Note(); base.DiceNsLossForward(probabilities, labels, epsilon, sliceLosses, pixelWeights); }
        public override void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits, Tensor? pixelWeights = null) { Note(); base.DiceNsLossBackward(probabilities, labels, epsilon, gradLogits, pixelWeights); }
        public override void CrossEntropyLossForward(Tensor probabilities, Tensor labels, Tensor sliceLosses) { Note(); base.CrossEntropyLossForward(probabilities, labels, sliceLosses); }
        public override void CrossEntropyLossBackwardAdd(Tensor probabilities, Tensor labels, float scale, Tensor gradLogits) { Note(); base.CrossEntropyLossBackwardAdd(probabilities, labels, scale, gradLogits); }
        public override double SumOfSquares(Tensor tensor) { Note(); return base.SumOfSquares(tensor); }
        public override void SumsOfSquares(IReadOnlyList<Tensor> tensors, Span<double> sums) { Note(); base.SumsOfSquares(tensors, sums); }
        public override void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment, AdamSettings settings, int step, float l2Coefficient)
        { Note(); base.AdamStep(parameter, gradient, firstMoment, secondMoment, settings, step, l2Coefficient); }
        public override void ResizeBilinearForward(Tensor input, Tensor output) { Note(); base.ResizeBilinearForward(input, output); }
        public override void ResizeBilinearBackward(Tensor gradOutput, Tensor gradInput) { Note(); base.ResizeBilinearBackward(gradOutput, gradInput); }
    }
}
