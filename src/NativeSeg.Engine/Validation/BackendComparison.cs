using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Validation;

/// <summary>
/// The one backend-against-reference harness, used by <c>nativeseg check</c> (<see cref="NumericsCheck"/>), the
/// backend tests and the GPU kernel benchmark. A case is a function that runs some operations on a backend from
/// host inputs (<see cref="HostTensor"/>) and returns its outputs on the host; it runs on the reference and on the
/// candidate, every output allocated with <see cref="Poisoned"/> (NaN) so an element the candidate never writes
/// fails, and the worst <see cref="ErrorMeasures.RelativeError"/> over the outputs is judged against a tolerance of
/// <see cref="Tolerances"/>. An exception on either side is a failure with its message, never a crash.
/// </summary>
public sealed class BackendComparison(IBackend candidate, IBackend reference)
{
    public IBackend Candidate { get; } = candidate ?? throw new ArgumentNullException(nameof(candidate));

    public IBackend Reference { get; } = reference ?? throw new ArgumentNullException(nameof(reference));

    /// <summary>Runs the case on both backends and measures the candidate's worst output.</summary>
    public CheckResult Compare(string operation, Func<IBackend, float[][]> run, double tolerance)
    {
        float[][] expected, actual;
        try
        {
            expected = run(Reference);
        }
        catch (Exception e)
        {
            return new CheckResult(operation, Reference.Name, double.PositiveInfinity, tolerance, $"reference failed: {e.Message}");
        }
        try
        {
            actual = run(Candidate);
        }
        catch (Exception e)
        {
            return new CheckResult(operation, Candidate.Name, double.PositiveInfinity, tolerance, $"failed: {e.GetType().Name}: {e.Message}");
        }
        if (actual.Length != expected.Length)
            return new CheckResult(operation, Candidate.Name, double.PositiveInfinity, tolerance, $"{actual.Length} outputs, the reference {expected.Length}");
        double worst = 0;
        int worstOutput = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = actual[i].Length == expected[i].Length ? ErrorMeasures.RelativeError(actual[i], expected[i]) : double.PositiveInfinity;
            if (error > worst) { worst = error; worstOutput = i; }
        }
        return new CheckResult(operation, Candidate.Name, worst, tolerance, expected.Length > 1 ? $"worst in output {worstOutput}" : "");
    }

    /// <summary>A tensor filled with NaN: an output a correct operation overwrites completely.</summary>
    public static Tensor Poisoned(IBackend backend, TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var tensor = backend.Allocate(shape);
        backend.Fill(tensor, float.NaN);
        return tensor;
    }

    /// <summary>The tensor's values on the host.</summary>
    public static float[] Download(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var values = new float[tensor.Length];
        tensor.Backend.Download(tensor, values);
        return values;
    }
}
