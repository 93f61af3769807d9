using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine;

/// <summary>
/// One set of tensor operations, implemented by every backend: <c>reference</c> (float64 loops, the oracle),
/// <c>cpu</c> (float32 SIMD, multi-threaded), <c>cuda</c> and <c>ilgpu-cpu</c> (the ILGPU kernels).
///
/// Conventions, shared by every implementation (see <see cref="OperationContracts"/> for the checks):
/// <list type="bullet">
/// <item>Activations are NCHW float32. Convolution weights are [Cout, Cin, K, K] with K = 3 or 1; no bias.</item>
/// <item>Every method that writes a tensor overwrites it completely, except <see cref="ResidualAddBackwardSkip"/>,
/// which accumulates (it adds the skip's share of the gradient to the gradient the main path already wrote).</item>
/// <item>Inputs and outputs of one call must not alias unless the method says so.</item>
/// <item>Calls may be asynchronous on a GPU; <see cref="Download"/> and the methods returning numbers synchronise.</item>
/// </list>
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>The name used to choose the backend: reference, cpu, cuda, ilgpu-cpu.</summary>
    string Name { get; }

    /// <summary>What it runs on, for logs: processor or GPU name, threads, vector width.</summary>
    string Description { get; }

    /// <summary>A tensor with unspecified contents.</summary>
    Tensor Allocate(TensorShape shape);

    void Upload(ReadOnlySpan<float> source, Tensor destination);

    void Download(Tensor source, Span<float> destination);

    void Fill(Tensor destination, float value);

    void Copy(Tensor source, Tensor destination);

    /// <summary>Waits until every queued operation has finished.</summary>
    void Synchronize();

    // ---- Convolution: 3×3 with dilation d and zero padding d ("same"), or 1×1 (dilation 1). No bias. ----

    /// <summary>output[n,o,y,x] = Σ_{i,ky,kx} weights[o,i,ky,kx] · input[n,i,y+(ky−r)·d, x+(kx−r)·d], zero outside; r = K/2.</summary>
    void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output);

    /// <summary>gradInput = ∂L/∂input given gradOutput = ∂L/∂output (the transposed convolution).</summary>
    void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput);

    /// <summary>gradWeights = ∂L/∂weights, summed over the batch.</summary>
    void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights);

    /// <summary>
    /// Inference only: output = residual⁺ + after(conv(before(input), weights)), where before and after are batch
    /// norms with running statistics (each optionally followed by ReLU; null skips the stage) and residual⁺ is the
    /// skip zero-padded to the output's channels, centred, as in <see cref="ResidualAddForward"/> (null: no add).
    /// It is exactly the composition <see cref="ConvolutionInferenceComposition"/> (that is also the default
    /// implementation); a backend overrides it to do the stages while the data is in cache, without the
    /// intermediate tensors. Output must be a tensor of its own (not the input, not the residual). No backward:
    /// training runs the stages separately, each with its own hand-derived backward.
    /// </summary>
    void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation,
        InferenceBatchNorm? after, Tensor? residual, Tensor output)
        => ConvolutionInferenceComposition.Run(this, input, before, weights, dilation, after, residual, output);

    // ---- Batch norm over N·H·W per channel. ----

    /// <summary>
    /// Training mode: normalise with the batch mean and the biased batch variance, then scale by γ and shift by β.
    /// Updates runningMean and runningVariance in place with the batch statistics (biased variance, as NiftyNet does)
    /// and writes savedMean and savedInverseStd = 1/√(var + ε) for the backward pass. All per-channel tensors are [C].
    /// </summary>
    void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd);

    /// <summary>Inference mode: output = γ·(input − runningMean)/√(runningVariance + ε) + β.</summary>
    void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor output);

    /// <summary>
    /// Backward of the inference-mode forward, the running statistics held constant (fine-tuning with frozen
    /// statistics): gradInput = γ·istd·gradOutput, gradGamma = Σ gradOutput·x̂, gradBeta = Σ gradOutput, with
    /// istd = 1/√(runningVariance + ε) and x̂ = (input − runningMean)·istd.
    /// </summary>
    void BatchNormInferenceBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor gradInput, Tensor gradGamma, Tensor gradBeta);

    /// <summary>Backward of the training-mode forward: gradients to the input, γ and β.</summary>
    void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd,
        Tensor gradInput, Tensor gradGamma, Tensor gradBeta);

    // ---- ReLU. ----

    /// <summary>output = max(input, 0). input and output may be the same tensor.</summary>
    void ReluForward(Tensor input, Tensor output);

    /// <summary>gradInput = gradOutput where output &gt; 0, else 0. gradOutput and gradInput may be the same tensor.</summary>
    void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput);

    // ---- Residual add with a centred, zero-padded skip (NiftyNet's HighResNet block). ----

    /// <summary>
    /// output = input + pad(skip), where skip has Cs ≤ C channels placed at channels [⌊(C−Cs)/2⌋, ⌊(C−Cs)/2⌋ + Cs).
    /// output may be the same tensor as input.
    /// </summary>
    void ResidualAddForward(Tensor input, Tensor skip, Tensor output);

    /// <summary>gradSkip += gradOutput[:, offset .. offset+Cs] — accumulates onto what the main path wrote.</summary>
    void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip);

    // ---- Softmax and the Dice-NS loss. ----

    /// <summary>Softmax over the channel (class) axis of NCHW logits.</summary>
    void SoftmaxForward(Tensor logits, Tensor probabilities);

    /// <summary>
    /// Dice-NS per slice b: L_b = 1 − mean_c (2Σᵢ gᵢc·pᵢc + ε)/(Σᵢ pᵢc + Σᵢ gᵢc + ε), every class including background.
    /// labels are one-hot [N, C, H, W]; sliceLosses is [N]. The batch loss is the mean of sliceLosses.
    /// With pixelWeights [N, 1, H, W] (non-negative), every sum runs over wᵢ·(…): a pixel of weight k counts as k copies
    /// of itself in every class; null is wᵢ = 1, the paper's loss.
    /// </summary>
    void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses, Tensor? pixelWeights = null);

    /// <summary>gradLogits = ∂(mean_b L_b)/∂logits, through the softmax that produced probabilities (pixelWeights as in the forward).</summary>
    void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits, Tensor? pixelWeights = null);

    /// <summary>
    /// Cross-entropy per slice b: L_b = −(1/HW)·Σᵢ Σ_c gᵢc·ln pᵢc over its H·W pixels (ln of at least
    /// <see cref="OperationContracts.CrossEntropyProbabilityFloor"/>). labels [N, C, H, W] (one-hot or soft), sliceLosses [N].
    /// </summary>
    void CrossEntropyLossForward(Tensor probabilities, Tensor labels, Tensor sliceLosses);

    /// <summary>
    /// gradLogits += scale·∂(mean_b L_b)/∂logits through the softmax that produced probabilities, (p·Σ_k g_k − g)·scale/(N·HW)
    /// per element: added to what is there (the Dice-NS gradient), not written over it.
    /// </summary>
    void CrossEntropyLossBackwardAdd(Tensor probabilities, Tensor labels, float scale, Tensor gradLogits);

    // ---- Regularisation and the optimiser. ----

    /// <summary>Σ v² over the tensor, accumulated in float64 where the backend can, for the L2 term of the loss.</summary>
    double SumOfSquares(Tensor tensor);

    /// <summary>
    /// <see cref="SumOfSquares"/> of every tensor, into sums (one per tensor, each the same bits as a single call
    /// gives), in one call: a GPU waits for its queue once for all of them instead of once per tensor (a training
    /// step asks for 126). The default runs the single calls in order.
    /// </summary>
    void SumsOfSquares(IReadOnlyList<Tensor> tensors, Span<double> sums)
    {
        OperationContracts.SumsOfSquares(nameof(SumsOfSquares), tensors, sums.Length);
        for (int i = 0; i < tensors.Count; i++) sums[i] = SumOfSquares(tensors[i]);
    }

    /// <summary>
    /// One Adam step in place, with the coupled L2 term folded into the gradient: g = gradient + l2Coefficient·parameter.
    /// step is 1 for the first update (bias correction).
    /// </summary>
    void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment,
        AdamSettings settings, int step, float l2Coefficient);

    // ---- Bilinear resize (half-pixel centres, edge clamped: PyTorch's align_corners=False without antialiasing). ----

    /// <summary>Resizes every N·C plane of input to output's H×W.</summary>
    void ResizeBilinearForward(Tensor input, Tensor output);

    /// <summary>Adjoint of the forward: scatters gradOutput back to gradInput.</summary>
    void ResizeBilinearBackward(Tensor gradOutput, Tensor gradInput);
}
