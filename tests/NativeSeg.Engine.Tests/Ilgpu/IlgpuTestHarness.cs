using System.Collections.Concurrent;
using NativeSeg.Engine.Ilgpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Validation;

namespace NativeSeg.Engine.Tests.Ilgpu;

/// <summary>
/// One ILGPU CPU-simulator backend and one reference backend shared by the ILGPU tests, helpers that put the same
/// values on both (pairs of tensors, for tests that drive the two step by step) and poison the simulator's outputs
/// with NaN. Results are judged by the one error measure and tolerance of Engine.Validation (<see cref="ErrorMeasures"/>,
/// <see cref="Tolerances.Float32Operation"/>), as <c>nativeseg check</c> judges them. The worst relative error seen
/// per operation is printed at the end.
/// </summary>
internal sealed class IlgpuTestHarness : IDisposable
{
    private readonly ConcurrentDictionary<string, double> _worst = new();

    public IlgpuTestHarness()
    {
        Fast = IlgpuBackend.CreateCpuSimulator();
        Reference = new ReferenceBackend();
    }

    public IlgpuBackend Fast { get; }

    public ReferenceBackend Reference { get; }

    /// <summary>The same values on both backends.</summary>
    public (Tensor Fast, Tensor Reference) Input(TensorShape shape, float[] values)
    {
        var fast = Fast.Allocate(shape);
        Fast.Upload(values, fast);
        var reference = Reference.Allocate(shape);
        Reference.Upload(values, reference);
        return (fast, reference);
    }

    /// <summary>Random values in [low, high) on both backends.</summary>
    public (Tensor Fast, Tensor Reference) Random(TensorShape shape, Random random, float low = -1f, float high = 1f) =>
        Input(shape, Values(shape.Length, random, low, high));

    /// <summary>An output on both backends; the simulator's copy is filled with NaN so unwritten elements fail.</summary>
    public (Tensor Fast, Tensor Reference) Output(TensorShape shape)
    {
        return (BackendComparison.Poisoned(Fast, shape), Reference.Allocate(shape));
    }

    public static float[] Values(int length, Random random, float low = -1f, float high = 1f)
    {
        var values = new float[length];
        for (int k = 0; k < length; k++) values[k] = low + (high - low) * random.NextSingle();
        return values;
    }

    public float[] Download(Tensor fast) => BackendComparison.Download(fast);

    /// <summary>Asserts the simulator's result matches the reference's float64 result and records the error.</summary>
    public double Compare(string operation, Tensor fast, Tensor reference, double tolerance = Tolerances.Float32Operation)
    {
        var expected = new double[reference.Length];
        Reference.Download(reference, expected);
        double error = ErrorMeasures.RelativeError(Download(fast), expected);
        _worst.AddOrUpdate(operation, error, (_, old) => Math.Max(old, error));
        Assert.That(error, Is.LessThan(tolerance), $"{operation}: relative error {error:E2} against the reference");
        return error;
    }

    public void Record(string operation, double error) => _worst.AddOrUpdate(operation, error, (_, old) => Math.Max(old, error));

    public void Dispose()
    {
        foreach (var (operation, error) in _worst.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            TestContext.Progress.WriteLine($"ilgpu-cpu vs reference, worst relative error: {operation,-36} {error:E2}");
        Fast.Dispose();
        Reference.Dispose();
    }
}
