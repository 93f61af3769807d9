using NativeSeg.Engine.Cpu;

namespace NativeSeg.Engine.Validation;

/// <summary>
/// Runs every case of the <see cref="OperationCatalog"/> on a candidate backend and on the reference backend through
/// the one harness <see cref="BackendComparison"/> (fresh random inputs from the seed, outputs poisoned with NaN,
/// the tolerance of each case's precision class) and reports the worst relative error per case. The Winograd cases
/// run on the cpu backend only, with its Winograd convolution whatever the candidate's own setting. Used by
/// <c>nativeseg check</c> and by the backend tests.
/// </summary>
public sealed class NumericsCheck(IBackend candidate, IBackend reference, int seed)
{
    public IReadOnlyList<CheckResult> RunAll()
    {
        var comparison = new BackendComparison(candidate, reference);
        var results = new List<CheckResult>();
        CpuBackend? winograd = null;
        try
        {
            foreach (var c in new OperationCatalog(seed).Cases())
            {
                if (!c.CpuWinograd)
                {
                    results.Add(comparison.Compare(c.Name, c.Run, c.Tolerance));
                    continue;
                }
                if (candidate is not CpuBackend cpu) continue;
                winograd ??= new CpuBackend(cpu.Threads, CpuConvolutionAlgorithm.Winograd);
                results.Add(new BackendComparison(winograd, reference).Compare(c.Name, c.Run, c.Tolerance));
            }
        }
        finally
        {
            winograd?.Dispose();
        }
        return results;
    }
}
