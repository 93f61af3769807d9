using NativeSeg.Engine;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Training;

/// <summary>
/// The objective's optional cross-entropy term (train --cross-entropy-weight): the loss gains λ·CE and the gradient to
/// the logits gains λ times the cross-entropy's, with the Dice-NS part unchanged; λ = 0 is the paper's objective.
/// </summary>
public class CrossEntropyObjectiveTests
{
    [Test]
    public void TheTermAddsLambdaTimesTheCrossEntropyToTheLossAndTheGradient()
    {
        using var backend = new ReferenceBackend();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 1);
        var (input, labels) = TestNetworks.RandomBatch(2, 8, 8, 4);
        var workspace = network.GetWorkspace(2, 8, 8);
        backend.Upload(input, workspace.Input);
        backend.Upload(labels, workspace.Labels);
        network.ForwardTraining(workspace);

        var paper = new TrainingObjective(network, 1e-4, L2Reduction.Mean);
        var withTerm = new TrainingObjective(network, 1e-4, L2Reduction.Mean, crossEntropyWeight: 2);
        var paperLoss = paper.Forward(workspace);
        paper.Backward(workspace);
        var paperGradient = backend.Data(workspace.GradLogits).ToArray();
        var lossWithTerm = withTerm.Forward(workspace);
        withTerm.Backward(workspace);
        var gradientWithTerm = backend.Data(workspace.GradLogits).ToArray();

        var shape = workspace.Probabilities.Shape;
        var crossEntropy = backend.Allocate(TensorShape.Vector(2));
        backend.CrossEntropyLossForward(workspace.Probabilities, workspace.Labels, crossEntropy);
        var crossEntropyGradient = backend.Allocate(shape, new double[shape.Length]);
        backend.CrossEntropyLossBackwardAdd(workspace.Probabilities, workspace.Labels, 1, crossEntropyGradient);

        Assert.That(paperLoss.CrossEntropy, Is.EqualTo(0), "the paper's objective has no cross-entropy");
        Assert.That(lossWithTerm.DiceLoss, Is.EqualTo(paperLoss.DiceLoss), "Dice-NS itself is unchanged");
        Assert.That(lossWithTerm.CrossEntropy, Is.EqualTo(2 * backend.Data(crossEntropy).Average()).Within(1e-6));
        Assert.That(lossWithTerm.Total, Is.EqualTo(paperLoss.Total + lossWithTerm.CrossEntropy).Within(1e-12));
        for (int i = 0; i < shape.Length; i++)
            Assert.That(gradientWithTerm[i], Is.EqualTo(paperGradient[i] + 2 * backend.Data(crossEntropyGradient)[i]).Within(1e-15), $"logit {i}");
        Assert.That(backend.Data(crossEntropyGradient).Max(Math.Abs), Is.GreaterThan(1e-3), "the term is not zero here");
    }

    [Test]
    public void NegativeOrInfiniteWeightsAreRefused()
    {
        using var backend = new ReferenceBackend();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 1);
        foreach (float bad in new[] { -0.5f, float.NaN, float.PositiveInfinity })
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TrainingObjective(network, 1e-4, L2Reduction.Mean, crossEntropyWeight: bad), $"{bad}");
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { OutputDirectory = "x", CrossEntropyWeight = 11 }.Validate());
    }
}
