using NativeSeg.Engine;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.Model.Network;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Inference;

/// <summary>
/// The inference engine: a trained HighResNet2D on one backend, fed prepared slices (N×Cin×H×W, the preprocessing's
/// network input) in batches, returning the lung probability (softmax of the lung class) of every pixel.
/// Batch norm runs in inference mode with the running statistics. Batches of the chosen size share one workspace;
/// the last, shorter batch is padded with zero slices so no second workspace is allocated (inference-mode BN
/// treats slices independently, so padding cannot change the other slices' results).
/// </summary>
public sealed class Segmenter : IDisposable
{
    private readonly HighResNet2D _network;
    private float[] _batchInput = [];
    private float[] _batchProbabilities = [];
    private IBackend? _ownedBackend;

    /// <summary>Wraps a network that is already on its backend (the caller keeps ownership when ownsNetwork is false).</summary>
    public Segmenter(HighResNet2D network, WeightsMetadata metadata, bool ownsNetwork = false)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        OwnsNetwork = ownsNetwork;
        ForegroundClass = metadata.ClassNames.ToList().IndexOf("lung") is int lung and > 0 ? lung : 1;
    }

    /// <summary>Loads a weights file (or a checkpoint) onto the backend; a bad file is an <see cref="IO.InvalidInputException"/> naming it.</summary>
    public static Segmenter Load(string weightsPath, IBackend backend)
    {
        var (network, file) = WeightsFile.LoadNetwork(weightsPath, backend);
        return new Segmenter(network, file.Metadata, ownsNetwork: true);
    }

    /// <summary>
    /// Loads a weights file onto a backend chosen by name (auto, cpu, cuda, reference, ilgpu-cpu; see
    /// <see cref="Backends.Create"/>); the segmenter owns that backend and disposes it.
    /// </summary>
    public static Segmenter Load(string weightsPath, string device)
    {
        var backend = Backends.Create(device);
        try
        {
            var segmenter = Load(weightsPath, backend);
            segmenter._ownedBackend = backend;
            return segmenter;
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    public WeightsMetadata Metadata { get; }

    /// <summary>How the input must be prepared: the slice alone, or with its neighbours as channels (from the weights).</summary>
    public SliceContext SliceContext => Metadata.SliceContext;

    public HighResNetConfiguration Configuration => _network.Configuration;

    public IBackend Backend => _network.Backend;

    /// <summary>The output channel whose probability is returned: the class named "lung", else class 1.</summary>
    public int ForegroundClass { get; }

    private bool OwnsNetwork { get; }

    /// <summary>
    /// Lung probability per pixel of every slice: input is sliceCount×Cin×height×width (slice-major), the result
    /// sliceCount×height×width. Height and width must be multiples of 8.
    /// </summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> input, int sliceCount, int height, int width, int batchSize = 8,
        Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        var result = new float[(long)sliceCount * height * width];
        PredictProbabilities(input, sliceCount, height, width, result, batchSize, progress, cancellation);
        return result;
    }

    /// <summary>As above, writing into destination (sliceCount×height×width). progress receives (slices done, total).</summary>
    public void PredictProbabilities(ReadOnlySpan<float> input, int sliceCount, int height, int width, Span<float> destination,
        int batchSize = 8, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceCount, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int channels = Configuration.InputChannels, classes = Configuration.Classes, plane = height * width;
        if (input.Length != (long)sliceCount * channels * plane)
            throw new ArgumentException($"{sliceCount} slices of {channels}×{height}×{width} need {(long)sliceCount * channels * plane} values, got {input.Length}.");
        if (destination.Length != (long)sliceCount * plane)
            throw new ArgumentException($"The destination needs {(long)sliceCount * plane} values, got {destination.Length}.");
        if (sliceCount == 0) return;

        int batch = Math.Min(batchSize, sliceCount);
        var workspace = _network.GetWorkspace(batch, height, width);
        if (_batchInput.Length != batch * channels * plane) _batchInput = new float[batch * channels * plane];
        if (_batchProbabilities.Length != batch * classes * plane) _batchProbabilities = new float[batch * classes * plane];

        for (int start = 0; start < sliceCount; start += batch)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(batch, sliceCount - start);
            input.Slice(start * channels * plane, count * channels * plane).CopyTo(_batchInput);
            _batchInput.AsSpan(count * channels * plane).Clear();
            Backend.Upload(_batchInput, workspace.Input);
            _network.ForwardInference(workspace);
            _network.ComputeProbabilities(workspace);
            Backend.Download(workspace.Probabilities, _batchProbabilities);
            for (int b = 0; b < count; b++)
                _batchProbabilities.AsSpan((b * classes + ForegroundClass) * plane, plane).CopyTo(destination.Slice((start + b) * plane, plane));
            progress?.Invoke(start + count, sliceCount);
        }
    }

    public void Dispose()
    {
        if (OwnsNetwork) _network.Dispose();
        _ownedBackend?.Dispose();
    }
}
