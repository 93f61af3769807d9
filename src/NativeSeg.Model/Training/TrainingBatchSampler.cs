using NativeSeg.Engine;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Training;

/// <summary>
/// Fills a training workspace with one batch: each slice of the epoch's order augmented, cut to the training window
/// at a random position (NiftyNet's sampler; the whole slice when there is no window), its labels one-hot, then
/// uploaded, with the loss's pixel weights when the run weights dense lung. Draws from the run's random stream in a
/// fixed order (augmentation, field-of-view cut, scanner variation, then top, then left, slice by slice), so a resumed run draws the same
/// numbers. Owns its host buffers; nothing is allocated per batch but,
/// with scanner variation on, one small noise generator per slice.
/// </summary>
internal sealed class TrainingBatchSampler
{
    private readonly IBackend _backend;
    private readonly TrainingSet _data;
    private readonly SliceAugmentation _augmentation;
    private readonly ScannerVariation _scannerVariation;
    private readonly DenseLungWeighting _weighting;
    private readonly FieldOfViewCut _fieldOfViewCut;
    private readonly int _batch;
    private readonly float[] _sliceInput;
    private readonly byte[] _sliceLabels;
    private readonly float[] _cutInput;
    private readonly byte[] _cutLabels;
    private readonly byte[] _windowLabels;
    private readonly float[] _batchLabels;
    private readonly float[] _sliceWeights;
    private readonly float[] _batchWeights;

    /// <summary>The sampler of a training run with these options.</summary>
    public TrainingBatchSampler(IBackend backend, TrainingSet data, TrainerOptions options, int batch)
        : this(backend, data, options.Augmentation, options.ScannerVariation, options.Window, batch, options.DenseLungWeighting, options.FieldOfViewCut)
    {
    }

    /// <param name="window">Null: the whole slice.</param>
    /// <param name="weighting">Null: no pixel weights are written.</param>
    /// <param name="fieldOfViewCut">Null: no slice is cut.</param>
    public TrainingBatchSampler(IBackend backend, TrainingSet data, SliceAugmentation augmentation, ScannerVariation scannerVariation,
        (int Height, int Width)? window, int batch, DenseLungWeighting? weighting = null, FieldOfViewCut? fieldOfViewCut = null)
    {
        _fieldOfViewCut = fieldOfViewCut ?? FieldOfViewCut.None;
        _backend = backend;
        _data = data;
        _augmentation = augmentation;
        _scannerVariation = scannerVariation;
        _weighting = weighting ?? DenseLungWeighting.None;
        _batch = batch;
        (WindowHeight, WindowWidth) = window ?? (data.Height, data.Width);
        if (WindowHeight > data.Height || WindowWidth > data.Width)
            throw new ArgumentOutOfRangeException(nameof(window), $"the training window {WindowHeight}×{WindowWidth} is larger than the {data.Height}×{data.Width} slices.");
        int plane = data.Height * data.Width, windowPlane = WindowHeight * WindowWidth;
        _sliceInput = new float[data.InputChannels * plane];
        _sliceLabels = new byte[plane];
        _cutInput = _fieldOfViewCut.IsEnabled ? new float[data.InputChannels * plane] : [];
        _cutLabels = _fieldOfViewCut.IsEnabled ? new byte[plane] : [];
        _windowLabels = new byte[windowPlane];
        BatchInput = new float[batch * data.InputChannels * windowPlane];
        _batchLabels = new float[batch * data.Classes * windowPlane];
        _sliceWeights = _weighting.IsEnabled ? new float[plane] : [];
        _batchWeights = _weighting.IsEnabled ? new float[batch * windowPlane] : [];
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
            if (_fieldOfViewCut.Apply(_sliceInput, _sliceLabels, h, w, random, _cutInput, _cutLabels))
            {
                _cutInput.CopyTo(_sliceInput, 0);
                _cutLabels.CopyTo(_sliceLabels, 0);
            }
            // Dense is decided before the scanner's noise is added, on the slice as the augmentation moved it.
            if (_weighting.IsEnabled) _weighting.Fill(_sliceLabels, _sliceInput.AsSpan(0, h * w), h, w, _sliceWeights);
            _scannerVariation.Apply(_sliceInput, h, w, random);
            int top = WindowHeight == h ? 0 : random.NextInt(h - WindowHeight + 1);
            int left = WindowWidth == w ? 0 : random.NextInt(w - WindowWidth + 1);
            CutWindow(_sliceInput, _sliceLabels, h, w, top, left, WindowHeight, WindowWidth,
                BatchInput.AsSpan(b * channels * windowPlane, channels * windowPlane), _windowLabels);
            UncertainPleuralEdges.OneHot(_windowLabels, classes, _batchLabels.AsSpan(b * classes * windowPlane, classes * windowPlane));
            if (_weighting.IsEnabled)
                CutPlane(_sliceWeights, w, top, left, WindowHeight, WindowWidth, _batchWeights.AsSpan(b * windowPlane, windowPlane));
        }
        _backend.Upload(BatchInput, workspace.Input);
        _backend.Upload(_batchLabels, workspace.Labels);
        if (_weighting.IsEnabled) _backend.Upload(_batchWeights, workspace.PixelWeights);
    }

    /// <summary>Copies the window at (top, left) of one plane of a slice <paramref name="width"/> wide.</summary>
    private static void CutPlane<T>(ReadOnlySpan<T> plane, int width, int top, int left, int windowHeight, int windowWidth, Span<T> window)
    {
        for (int y = 0; y < windowHeight; y++)
            plane.Slice((top + y) * width + left, windowWidth).CopyTo(window.Slice(y * windowWidth, windowWidth));
    }

    /// <summary>Copies the window at (top, left) of every input channel and of the labels.</summary>
    private static void CutWindow(ReadOnlySpan<float> input, ReadOnlySpan<byte> labels, int height, int width, int top, int left,
        int windowHeight, int windowWidth, Span<float> windowInput, Span<byte> windowLabels)
    {
        int plane = height * width, windowPlane = windowHeight * windowWidth, channels = input.Length / plane;
        for (int c = 0; c < channels; c++)
            CutPlane(input.Slice(c * plane, plane), width, top, left, windowHeight, windowWidth, windowInput.Slice(c * windowPlane, windowPlane));
        CutPlane(labels, width, top, left, windowHeight, windowWidth, windowLabels);
    }
}
