using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;

namespace NativeSeg.Model.Training;

/// <summary>
/// One optimiser step on a filled workspace: forward, Dice-NS (and the cross-entropy when asked), backward, then one
/// <see cref="IBackend.SumsOfSquares"/> call over every regularised value and every gradient (the L2 penalty and the
/// finiteness check in one wait for the device, not 126), then Adam. A non-finite loss or gradient throws
/// <see cref="TrainingDivergedException"/> before Adam touches the weights.
/// </summary>
internal sealed class TrainingStep
{
    private readonly HighResNet2D _network;
    private readonly TrainingObjective _objective;
    private readonly AdamOptimizer _optimizer;
    private readonly string _checkpointPath;
    private readonly ModelTensor[] _trainable;
    private readonly Tensor[] _squared;
    private readonly double[] _sums;

    public TrainingStep(HighResNet2D network, TrainingObjective objective, AdamOptimizer optimizer, string checkpointPath)
    {
        _network = network;
        _objective = objective;
        _optimizer = optimizer;
        _checkpointPath = checkpointPath;
        _trainable = [.. network.TrainableTensors];
        // The regularised values first (their order is the order of the penalty's adds), then the gradients.
        _squared = [.. objective.Regularised, .. _trainable.Select(t => t.RequireGradient())];
        _sums = new double[_squared.Length];
    }

    /// <summary>Runs the step; globalStep and epoch (both counted from 1) only name it in a divergence message.</summary>
    public LossValue Run(Workspace workspace, long globalStep, int epoch)
    {
        _network.ForwardTraining(workspace);
        double dice = _objective.DiceLoss(workspace);
        double crossEntropy = _objective.WeightedCrossEntropy(workspace);
        _objective.Backward(workspace);
        _network.Backward(workspace);
        _network.Backend.SumsOfSquares(_squared, _sums);
        int values = _objective.Regularised.Count;
        var loss = new LossValue(dice, _objective.Penalty(_sums.AsSpan(0, values)), crossEntropy);
        if (!loss.IsFinite)
            throw new TrainingDivergedException(globalStep, epoch, $"the loss is {loss.Total} (Dice-NS {loss.DiceLoss}, cross-entropy {loss.CrossEntropy}, L2 {loss.L2Penalty})", _checkpointPath);
        for (int i = 0; i < _trainable.Length; i++)
        {
            if (!double.IsFinite(_sums[values + i]))
                throw new TrainingDivergedException(globalStep, epoch, $"the gradient of {_trainable[i].Name} is not finite", _checkpointPath);
        }
        _optimizer.Step();
        return loss;
    }
}
