using NativeSeg.Engine;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Training;

/// <summary>
/// Fills a training workspace with one batch: each slice of the epoch's order augmented, cut to the training window
/// at a random position (NiftyNet's sampler; the whole slice when there is no window), its labels one-hot, then
/// uploaded. Draws from the run's random stream in a fixed order (augmentation, scanner variation, then top, then left,
/// slice by slice), so a resumed run draws the same numbers. Owns its host buffers; nothing is allocated per batch but,
/// with scanner variation on, one small noise generator per slice.
/// </summary>
internal sealed class TrainingBatchSampler
{
    private readonly IBackend _backend;
    private readonly TrainingSet _data;
    private readonly SliceAugmentation _augmentation;
    private readonly ScannerVariation _scannerVariation;
    private readonly int _batch;
    private readonly float[] _sliceInput;
    private readonly byte[] _sliceLabels;
    private readonly byte[] _windowLabels;
    private readonly float[] _batchLabels;

    /// <summary>The sampler of a training run with these options.</summary>
    public TrainingBatchSampler(IBackend backend, TrainingSet data, TrainerOptions options, int batch)
        : this(backend, data, options.Augmentation, options.ScannerVariation, options.Window, batch)
    {
    }

    /// <param name="window">Null: the whole slice.</param>
    public TrainingBatchSampler(IBackend backend, TrainingSet data, SliceAugmentation augmentation, ScannerVariation scannerVariation,
        (int Height, int Width)? window, int batch)
    {
        _backend = backend;
        _data = data;
        _augmentation = augmentation;
        _scannerVariation = scannerVariation;
        _batch = batch;
        (WindowHeight, WindowWidth) = window ?? (data.Height, data.Width);
        if (WindowHeight > data.Height || WindowWidth > data.Width)
            throw new ArgumentOutOfRangeException(nameof(window), $"the training window {WindowHeight}×{WindowWidth} is larger than the {data.Height}×{data.Width} slices.");
        int plane = data.Height * data.Width, windowPlane = WindowHeight * WindowWidth;
        _sliceInput = new float[data.InputChannels * plane];
        _sliceLabels = new byte[plane];
        _windowLabels = new byte[windowPlane];
        BatchInput = new float[batch * data.InputChannels * windowPlane];
        _batchLabels = new float[batch * data.Classes * windowPlane];
    }

    public int WindowHeight { get; }

    public int WindowWidth { get; }

    /// <summary>The host copy of the last batch's input (also lent to validation when the window is the whole slice).</summary>
    public float[] BatchInput { get; }

    /// <summary>Samples the batch of slices order[step·batch …] into the workspace's input and labels.</summary>
    public void Fill(IReadOnlyList<int> order, int step, SeededRandom random, Workspace workspace)
    {
        int channels = _data.InputChannels, classes = _data.Classes, h = _data.Height, w = _data.Width;
        int windowPlane = WindowHeight * WindowWidth;
        for (int b = 0; b < _batch; b++)
        {
            var slice = _data.Slices[order[step * _batch + b]];
            _augmentation.Apply(slice, random, _sliceInput, _sliceLabels);
            _scannerVariation.Apply(_sliceInput, h, w, random);
            int top = WindowHeight == h ? 0 : random.NextInt(h - WindowHeight + 1);
            int left = WindowWidth == w ? 0 : random.NextInt(w - WindowWidth + 1);
            CutWindow(_sliceInput, _sliceLabels, h, w, top, left, WindowHeight, WindowWidth,
                BatchInput.AsSpan(b * channels * windowPlane, channels * windowPlane), _windowLabels);
            UncertainPleuralEdges.OneHot(_windowLabels, classes, _batchLabels.AsSpan(b * classes * windowPlane, classes * windowPlane));
        }
        _backend.Upload(BatchInput, workspace.Input);
        _backend.Upload(_batchLabels, workspace.Labels);
    }

    /// <summary>Copies the window at (top, left) of every input channel and of the labels.</summary>
    private static void CutWindow(ReadOnlySpan<float> input, ReadOnlySpan<byte> labels, int height, int width, int top, int left,
        int windowHeight, int windowWidth, Span<float> windowInput, Span<byte> windowLabels)
    {
        int channels = input.Length / (height * width);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < windowHeight; y++)
                input.Slice((c * height + top + y) * width + left, windowWidth)
                    .CopyTo(windowInput.Slice((c * windowHeight + y) * windowWidth, windowWidth));
        for (int y = 0; y < windowHeight; y++)
            labels.Slice((top + y) * width + left, windowWidth).CopyTo(windowLabels.Slice(y * windowWidth, windowWidth));
    }
}
