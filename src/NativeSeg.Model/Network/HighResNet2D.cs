using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Network;

/// <summary>
/// The 2D HighResNet of the paper (NiftyNet's HighRes3DNet on slices) on one <see cref="IBackend"/>: the named tensors,
/// the training-mode forward that keeps what backward needs, the backward that writes every parameter gradient,
/// and the inference-mode forward that uses the running statistics.
/// <para>Typical step: <c>var ws = net.GetWorkspace(n, h, w)</c>; upload into <c>ws.Input</c>;
/// <see cref="ForwardTraining"/>; the loss writes <c>ws.GradLogits</c>; <see cref="Backward"/>; the optimiser.</para>
/// </summary>
public sealed class HighResNet2D : IDisposable
{
    private readonly Dictionary<(int Batch, int Height, int Width), Workspace> _workspaces = [];
    private readonly List<ModelTensor> _tensors = [];

    /// <summary>A network with unspecified weights; call <see cref="InitialiseHeNormal"/> or load weights.</summary>
    public HighResNet2D(IBackend backend, HighResNetConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(configuration);
        Backend = backend;
        Configuration = configuration;
        Layers = HighResNetArchitecture.Layers(configuration);
        var blocks = new List<ResidualBlock>();
        var convolutions = new List<ConvolutionLayer>();
        foreach (var spec in Layers)
        {
            if (spec.Kind == LayerKind.ResidualBlock)
            {
                var bn1 = NewBatchNorm($"{spec.Name}.bn1", spec.InChannels);
                var conv1 = NewTensor($"{spec.Name}.conv1.weight", ModelTensorRole.ConvolutionKernel, new TensorShape(spec.OutChannels, spec.InChannels, spec.Kernel, spec.Kernel));
                var bn2 = NewBatchNorm($"{spec.Name}.bn2", spec.OutChannels);
                var conv2 = NewTensor($"{spec.Name}.conv2.weight", ModelTensorRole.ConvolutionKernel, new TensorShape(spec.OutChannels, spec.OutChannels, spec.Kernel, spec.Kernel));
                blocks.Add(new ResidualBlock(spec, bn1, conv1, bn2, conv2));
            }
            else
            {
                var kernel = NewTensor($"{spec.Name}.conv.weight", ModelTensorRole.ConvolutionKernel, new TensorShape(spec.OutChannels, spec.InChannels, spec.Kernel, spec.Kernel));
                var bn = NewBatchNorm($"{spec.Name}.bn", spec.OutChannels);
                convolutions.Add(new ConvolutionLayer(spec, kernel, bn));
            }
        }
        Stem = convolutions[0];
        Head = convolutions[1];
        Classifier = convolutions[2];
        Blocks = blocks;
        TrainableTensors = _tensors.Where(t => t.IsTrainable).ToList();
    }

    /// <summary>A network with seeded He-normal kernels, γ = 1, β = 0, running mean 0 and running variance 1.</summary>
    public static HighResNet2D CreateInitialised(IBackend backend, HighResNetConfiguration configuration, ulong seed)
    {
        var network = new HighResNet2D(backend, configuration);
        network.InitialiseHeNormal(seed);
        return network;
    }

    public IBackend Backend { get; }

    public HighResNetConfiguration Configuration { get; }

    /// <summary>The architecture table, in execution order.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>conv_0.</summary>
    public ConvolutionLayer Stem { get; }

    /// <summary>res_1.0 … res_3.2.</summary>
    public IReadOnlyList<ResidualBlock> Blocks { get; }

    /// <summary>conv_1.</summary>
    public ConvolutionLayer Head { get; }

    /// <summary>conv_2: the logits.</summary>
    public ConvolutionLayer Classifier { get; }

    /// <summary>Every named tensor (parameters and running statistics) in state_dict order.</summary>
    public IReadOnlyList<ModelTensor> Tensors => _tensors;

    /// <summary>The 63 trained tensors: 21 kernels, 21 γ, 21 β.</summary>
    public IReadOnlyList<ModelTensor> TrainableTensors { get; }

    /// <summary>Number of trainable scalars: 274,132 for 1 input channel and 2 classes.</summary>
    public long ParameterCount => TrainableTensors.Sum(t => (long)t.Shape.Length);

    public ModelTensor this[string name] => _tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"HighResNet2D has no tensor named '{name}'.");

    /// <summary>The workspace of one batch shape, allocated on first request and kept until the network is disposed.</summary>
    public Workspace GetWorkspace(int batch, int height, int width)
    {
        if (!_workspaces.TryGetValue((batch, height, width), out var workspace))
        {
            workspace = new Workspace(Backend, Configuration, Layers, batch, height, width);
            _workspaces[(batch, height, width)] = workspace;
        }
        return workspace;
    }

    /// <summary>Frees every workspace (for example before switching to a much larger batch).</summary>
    public void ReleaseWorkspaces()
    {
        foreach (var workspace in _workspaces.Values)
            workspace.Dispose();
        _workspaces.Clear();
    }

    /// <summary>
    /// What the batch norms normalise with in <see cref="ForwardTraining"/> and <see cref="Backward"/>: the batch's
    /// statistics (default; running statistics updated) or the running statistics, held (fine-tuning).
    /// </summary>
    public BatchNormStatistics TrainingStatistics { get; set; } = BatchNormStatistics.Batch;

    /// <summary>
    /// Training-mode forward of <c>workspace.Input</c> into <c>workspace.Logits</c>: batch statistics, running
    /// statistics updated (or the running statistics, see <see cref="TrainingStatistics"/>), every activation the
    /// backward pass needs kept in the workspace.
    /// </summary>
    public void ForwardTraining(Workspace workspace)
    {
        var saved = workspace.Training;
        var statistics = saved.Statistics = TrainingStatistics;
        Stem.ForwardTraining(Backend, workspace.Input, saved.Convolutions[0], statistics);
        var x = saved.Convolutions[0].Output;
        for (int i = 0; i < Blocks.Count; i++)
        {
            Blocks[i].ForwardTraining(Backend, x, saved.Blocks[i], statistics);
            x = saved.Blocks[i].Output;
        }
        Head.ForwardTraining(Backend, x, saved.Convolutions[1], statistics);
        Classifier.ForwardTraining(Backend, saved.Convolutions[1].Output, saved.Convolutions[2], statistics);
    }

    /// <summary>
    /// Every batch norm with the batch mean and 1/√(σ² + ε) it normalised with in the last
    /// <see cref="ForwardTraining"/> on this workspace (with batch statistics).
    /// </summary>
    internal IEnumerable<(BatchNormParameters BatchNorm, Tensor Mean, Tensor InverseStd)> LastBatchStatistics(Workspace workspace)
    {
        var saved = workspace.Training;
        yield return (Stem.BatchNorm, saved.Convolutions[0].SavedMean, saved.Convolutions[0].SavedInverseStd);
        for (int i = 0; i < Blocks.Count; i++)
        {
            yield return (Blocks[i].FirstBatchNorm, saved.Blocks[i].FirstMean, saved.Blocks[i].FirstInverseStd);
            yield return (Blocks[i].SecondBatchNorm, saved.Blocks[i].SecondMean, saved.Blocks[i].SecondInverseStd);
        }
        yield return (Head.BatchNorm, saved.Convolutions[1].SavedMean, saved.Convolutions[1].SavedInverseStd);
        yield return (Classifier.BatchNorm, saved.Convolutions[2].SavedMean, saved.Convolutions[2].SavedInverseStd);
    }

    /// <summary>
    /// Backward of the last <see cref="ForwardTraining"/> on this workspace, from <c>workspace.GradLogits</c>:
    /// overwrites the gradient of every trainable tensor (nothing accumulates across steps).
    /// </summary>
    public void Backward(Workspace workspace)
    {
        if (!workspace.HasTrainingStorage)
            throw new InvalidOperationException("Backward needs a training-mode forward on the same workspace first.");
        var saved = workspace.Training;
        var scratch = workspace.Scratch;
        var statistics = saved.Statistics;

        var gradHeadOutput = scratch.Rent(Head.Spec.OutChannels);
        Classifier.Backward(Backend, scratch, saved.Convolutions[1].Output, saved.Convolutions[2], workspace.GradLogits, gradHeadOutput, statistics);

        var gradBlockOutput = scratch.Rent(Head.Spec.InChannels, gradHeadOutput);
        Head.Backward(Backend, scratch, saved.Blocks[^1].Output, saved.Convolutions[1], gradHeadOutput, gradBlockOutput, statistics);

        for (int i = Blocks.Count - 1; i >= 0; i--)
        {
            var blockInput = i == 0 ? saved.Convolutions[0].Output : saved.Blocks[i - 1].Output;
            gradBlockOutput = Blocks[i].Backward(Backend, scratch, blockInput, saved.Blocks[i], gradBlockOutput, statistics);
        }

        Stem.Backward(Backend, scratch, workspace.Input, saved.Convolutions[0], gradBlockOutput, gradInput: null, statistics);
    }

    /// <summary>Inference-mode forward of <c>workspace.Input</c> into <c>workspace.Logits</c> with the running statistics.</summary>
    public void ForwardInference(Workspace workspace)
    {
        var scratch = workspace.Scratch;
        var x = scratch.Rent(Stem.Spec.OutChannels);
        Stem.ForwardInference(Backend, workspace.Input, x);
        foreach (var block in Blocks)
            x = block.ForwardInference(Backend, scratch, x);
        var head = scratch.Rent(Head.Spec.OutChannels);
        Head.ForwardInference(Backend, x, head);
        Classifier.ForwardInference(Backend, head, workspace.Logits);
    }

    /// <summary>Softmax of <c>workspace.Logits</c> into <c>workspace.Probabilities</c>.</summary>
    public void ComputeProbabilities(Workspace workspace) => Backend.SoftmaxForward(workspace.Logits, workspace.Probabilities);

    /// <summary>
    /// He-normal kernels (std = √(2 / fan_in), fan_in = Cin·K·K), drawn in state_dict order from one seeded stream;
    /// γ = 1, β = 0, running mean 0, running variance 1.
    /// </summary>
    public void InitialiseHeNormal(ulong seed)
    {
        var random = new Randomness.SeededRandom(seed);
        foreach (var tensor in _tensors)
        {
            var values = new float[tensor.Shape.Length];
            switch (tensor.Role)
            {
                case ModelTensorRole.ConvolutionKernel:
                    double std = Math.Sqrt(2.0 / (tensor.Shape[1] * tensor.Shape[2] * tensor.Shape[3]));
                    for (int i = 0; i < values.Length; i++)
                        values[i] = (float)(std * random.NextGaussian());
                    break;
                case ModelTensorRole.BatchNormScale:
                case ModelTensorRole.RunningVariance:
                    Array.Fill(values, 1f);
                    break;
            }
            Backend.Upload(values, tensor.Value);
        }
    }

    /// <summary>Copies every named tensor to the host.</summary>
    public Dictionary<string, float[]> ExportTensors()
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var tensor in _tensors)
        {
            var values = new float[tensor.Shape.Length];
            Backend.Download(tensor.Value, values);
            result[tensor.Name] = values;
        }
        return result;
    }

    /// <summary>Copies host tensors in; every name of the network must be present with the right length.</summary>
    public void ImportTensors(IReadOnlyDictionary<string, float[]> values)
    {
        foreach (var tensor in _tensors)
        {
            if (!values.TryGetValue(tensor.Name, out var data))
                throw new KeyNotFoundException($"Tensor '{tensor.Name}' is missing.");
            if (data.Length != tensor.Shape.Length)
                throw new ArgumentException($"Tensor '{tensor.Name}' needs {tensor.Shape.Length} values {tensor.Shape}, got {data.Length}.");
            Backend.Upload(data, tensor.Value);
        }
    }

    public void Dispose()
    {
        ReleaseWorkspaces();
        foreach (var tensor in _tensors)
            tensor.Dispose();
        _tensors.Clear();
    }

    private ModelTensor NewTensor(string name, ModelTensorRole role, TensorShape shape)
    {
        var tensor = new ModelTensor(Backend, name, role, shape);
        _tensors.Add(tensor);
        return tensor;
    }

    private BatchNormParameters NewBatchNorm(string prefix, int channels) => new(
        NewTensor($"{prefix}.weight", ModelTensorRole.BatchNormScale, TensorShape.Vector(channels)),
        NewTensor($"{prefix}.bias", ModelTensorRole.BatchNormOffset, TensorShape.Vector(channels)),
        NewTensor($"{prefix}.running_mean", ModelTensorRole.RunningMean, TensorShape.Vector(channels)),
        NewTensor($"{prefix}.running_var", ModelTensorRole.RunningVariance, TensorShape.Vector(channels)));
}
