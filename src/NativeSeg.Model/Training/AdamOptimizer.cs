using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Training;

/// <summary>
/// Adam over every trainable tensor of a network, the moments on the network's backend (allocated once, zero at
/// start). The coupled L2 term enters as g + l2Coefficient·θ, as NiftyNet's loss-side regulariser does.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly HighResNet2D _network;
    private readonly Tensor[] _firstMoments;
    private readonly Tensor[] _secondMoments;

    public AdamOptimizer(HighResNet2D network, AdamSettings settings, float l2Coefficient)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        Settings = settings;
        L2Coefficient = l2Coefficient;
        var backend = network.Backend;
        _firstMoments = network.TrainableTensors.Select(t => backend.Allocate(t.Shape)).ToArray();
        _secondMoments = network.TrainableTensors.Select(t => backend.Allocate(t.Shape)).ToArray();
        ResetMoments();
    }

    /// <summary>β₁, β₂, ε and the learning rate of the next <see cref="Step"/>; a schedule changes the rate between steps.</summary>
    public AdamSettings Settings { get; private set; }

    /// <summary>Sets the learning rate of the following steps (a schedule's value); the moments are unaffected.</summary>
    public void SetLearningRate(float learningRate)
    {
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive.");
        Settings = Settings with { LearningRate = learningRate };
    }

    public float L2Coefficient { get; }

    /// <summary>Number of updates made so far (PyTorch's <c>step</c>); the next update uses StepCount + 1.</summary>
    public int StepCount { get; private set; }

    /// <summary>One update of every trainable tensor from its gradient.</summary>
    public void Step()
    {
        StepCount++;
        var trainable = _network.TrainableTensors;
        for (int i = 0; i < trainable.Count; i++)
            _network.Backend.AdamStep(trainable[i].Value, trainable[i].RequireGradient(), _firstMoments[i], _secondMoments[i], Settings, StepCount, L2Coefficient);
    }

    public void ResetMoments()
    {
        foreach (var m in _firstMoments.Concat(_secondMoments))
            _network.Backend.Fill(m, 0f);
        StepCount = 0;
    }

    /// <summary>The moments as checkpoint tensors (names in <see cref="TensorNaming"/>).</summary>
    public IEnumerable<SafeTensor> ExportMoments()
    {
        var trainable = _network.TrainableTensors;
        for (int i = 0; i < trainable.Count; i++)
        {
            yield return Export(TensorNaming.FirstMomentPrefix + trainable[i].Name, _firstMoments[i]);
            yield return Export(TensorNaming.SecondMomentPrefix + trainable[i].Name, _secondMoments[i]);
        }
    }

    /// <summary>Restores moments and step count saved by <see cref="ExportMoments"/>.</summary>
    public void ImportMoments(IReadOnlyDictionary<string, float[]> tensors, int stepCount, string path)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        var trainable = _network.TrainableTensors;
        for (int i = 0; i < trainable.Count; i++)
        {
            Import(tensors, TensorNaming.FirstMomentPrefix + trainable[i].Name, _firstMoments[i], path);
            Import(tensors, TensorNaming.SecondMomentPrefix + trainable[i].Name, _secondMoments[i], path);
        }
        StepCount = stepCount;
    }

    public void Dispose()
    {
        foreach (var m in _firstMoments.Concat(_secondMoments))
            m.Dispose();
    }

    private SafeTensor Export(string name, Tensor tensor)
    {
        var data = new float[tensor.Length];
        _network.Backend.Download(tensor, data);
        return new SafeTensor(name, tensor.Shape.Dimensions.ToArray(), data);
    }

    private void Import(IReadOnlyDictionary<string, float[]> tensors, string name, Tensor destination, string path)
    {
        if (!tensors.TryGetValue(name, out var data))
            throw new IO.InvalidInputException(path, $"checkpoint lacks the optimiser tensor '{name}'.");
        if (data.Length != destination.Length)
            throw new IO.InvalidInputException(path, $"optimiser tensor '{name}' has {data.Length} values, expected {destination.Length}.");
        _network.Backend.Upload(data, destination);
    }
}
