using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;

namespace NativeSeg.Model.Training;

/// <summary>The loss of one step, split into its parts.</summary>
/// <param name="DiceLoss">Dice-NS: mean over the batch of 1 − mean_c D_c.</param>
/// <param name="L2Penalty">decay·½·Σv² combined over the 63 regularised tensors (mean by default).</param>
/// <param name="CrossEntropy">The weighted cross-entropy term λ·CE (0 without it: the paper's objective).</param>
public readonly record struct LossValue(double DiceLoss, double L2Penalty, double CrossEntropy = 0)
{
    public double Total => DiceLoss + CrossEntropy + L2Penalty;

    public bool IsFinite => double.IsFinite(DiceLoss) && double.IsFinite(L2Penalty) && double.IsFinite(CrossEntropy);
}

/// <summary>
/// The training objective of the paper: Dice-NS over softmax probabilities (every class, background included, per slice,
/// ε = 1e-5) plus NiftyNet's coupled L2 term over every kernel, γ and β. The L2 gradient is not written here: it is
/// folded into Adam's update through <see cref="L2Coefficient"/>. Pixel-weighted, the Dice sums take the weights the
/// batch sampler wrote into <c>workspace.PixelWeights</c> (<see cref="DenseLungWeighting"/>).
/// <para>
/// With <see cref="CrossEntropyWeight"/> λ &gt; 0 the objective adds λ·CE, the mean per-pixel cross-entropy (an option,
/// not the paper's). Dice-NS's gradient passes through the softmax Jacobian p·(1 − p), so where the network is
/// confidently wrong (half the consolidation of its own training CTs, at probability 0: weights/README.md) it all but
/// vanishes; the cross-entropy's does not (ReferenceOps.CrossEntropyLossBackwardAdd).
/// </para>
/// </summary>
public sealed class TrainingObjective
{
    public const float DiceEpsilon = 1e-5f;

    private readonly HighResNet2D _network;
    private readonly Tensor[] _regularised;
    private float[] _sliceLosses = [];

    public TrainingObjective(HighResNet2D network, double decay, L2Reduction reduction, bool pixelWeighted = false,
        float crossEntropyWeight = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegative(decay);
        if (!(crossEntropyWeight >= 0 && float.IsFinite(crossEntropyWeight)))
            throw new ArgumentOutOfRangeException(nameof(crossEntropyWeight), crossEntropyWeight, "The cross-entropy weight is finite and not negative.");
        _network = network;
        Decay = decay;
        Reduction = reduction;
        PixelWeighted = pixelWeighted;
        CrossEntropyWeight = crossEntropyWeight;
        _regularised = network.TrainableTensors.Select(t => t.Value).ToArray();
        L2Coefficient = L2Regularization.AdamCoefficient(_regularised.Length, decay, reduction);
    }

    public double Decay { get; }

    public L2Reduction Reduction { get; }

    /// <summary>Whether the Dice-NS sums are weighted by <c>workspace.PixelWeights</c>.</summary>
    public bool PixelWeighted { get; }

    /// <summary>λ of the λ·CE term; 0 leaves the paper's objective.</summary>
    public float CrossEntropyWeight { get; }

    /// <summary>∂penalty/∂v ÷ v, what <see cref="IBackend.AdamStep"/> adds to each gradient.</summary>
    public float L2Coefficient { get; }

    /// <summary>The tensors of the L2 term (every kernel, γ and β), in the order their terms are added.</summary>
    public IReadOnlyList<Tensor> Regularised => _regularised;

    /// <summary>Softmax of the logits, the per-slice Dice-NS losses and the L2 penalty of the current weights.</summary>
    public LossValue Forward(Workspace workspace)
    {
        double dice = DiceLoss(workspace);
        double penalty = Decay == 0 ? 0 : L2Regularization.Penalty(_network.Backend, _regularised, Decay, Reduction);
        return new LossValue(dice, penalty, WeightedCrossEntropy(workspace));
    }

    /// <summary>Softmax of the logits and the batch's Dice-NS loss (the mean of the per-slice losses).</summary>
    public double DiceLoss(Workspace workspace)
    {
        var backend = _network.Backend;
        backend.SoftmaxForward(workspace.Logits, workspace.Probabilities);
        backend.DiceNsLossForward(workspace.Probabilities, workspace.Labels, DiceEpsilon, workspace.SliceLosses, Weights(workspace));
        return MeanOfSliceLosses(workspace);
    }

    /// <summary>
    /// λ·CE of the probabilities <see cref="DiceLoss"/> left in the workspace (0 without the term, with no work). Reuses
    /// the slice-loss buffer, so call it after <see cref="DiceLoss"/> has read it.
    /// </summary>
    public double WeightedCrossEntropy(Workspace workspace)
    {
        if (CrossEntropyWeight == 0) return 0;
        _network.Backend.CrossEntropyLossForward(workspace.Probabilities, workspace.Labels, workspace.SliceLosses);
        return CrossEntropyWeight * MeanOfSliceLosses(workspace);
    }

    private double MeanOfSliceLosses(Workspace workspace)
    {
        if (_sliceLosses.Length != workspace.Batch)
            _sliceLosses = new float[workspace.Batch];
        _network.Backend.Download(workspace.SliceLosses, _sliceLosses);
        double sum = 0;
        foreach (float l in _sliceLosses) sum += l;
        return sum / _sliceLosses.Length;
    }

    /// <summary>
    /// The L2 penalty from Σ v² of each tensor of <see cref="Regularised"/>, in that order (what <see cref="Forward"/>
    /// computes, for a caller that asked the backend for the sums together with others).
    /// </summary>
    public double Penalty(ReadOnlySpan<double> sumsOfSquares) =>
        Decay == 0 ? 0 : L2Regularization.Penalty(sumsOfSquares, Decay, Reduction);

    /// <summary>Writes ∂(Dice-NS + λ·CE)/∂logits into <c>workspace.GradLogits</c>.</summary>
    public void Backward(Workspace workspace)
    {
        _network.Backend.DiceNsLossBackward(workspace.Probabilities, workspace.Labels, DiceEpsilon, workspace.GradLogits, Weights(workspace));
        if (CrossEntropyWeight != 0)
            _network.Backend.CrossEntropyLossBackwardAdd(workspace.Probabilities, workspace.Labels, CrossEntropyWeight, workspace.GradLogits);
    }

    private Tensor? Weights(Workspace workspace) => PixelWeighted ? workspace.PixelWeights : null;
}
