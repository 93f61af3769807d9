namespace NativeSeg.Engine.Cpu;

/// <summary>
/// How the cpu backend computes the 3×3 convolutions of <see cref="IBackend.ConvolutionInferenceForward"/> (training
/// and the plain <see cref="IBackend.ConvolutionForward"/> always run the exact direct loop).
/// Environment variable <see cref="EnvironmentVariable"/> = direct | winograd | auto sets the default of
/// <c>new CpuBackend()</c>.
/// </summary>
public enum CpuConvolutionAlgorithm
{
    /// <summary>Winograd where it measured faster than direct (<see cref="CpuConvolutionAlgorithms.UsesWinograd"/>), else direct.</summary>
    Auto,

    /// <summary>The direct loop: each output is the float32 sum of its 9·Cin products; the fused result equals the separate operations bit for bit.</summary>
    Direct,

    /// <summary>Winograd F(4×4, 3×3) for every 3×3 convolution (1×1 stays direct): about 4× fewer multiplications, float32 error of about 1e-6 relative.</summary>
    Winograd,
}

/// <summary>Parsing and the per-layer choice of <see cref="CpuConvolutionAlgorithm.Auto"/>.</summary>
public static class CpuConvolutionAlgorithms
{
    public const string EnvironmentVariable = "NATIVESEG_CPU_CONVOLUTION";

    public static CpuConvolutionAlgorithm Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => CpuConvolutionAlgorithm.Auto,
        "direct" => CpuConvolutionAlgorithm.Direct,
        "winograd" => CpuConvolutionAlgorithm.Winograd,
        _ => throw new ArgumentException($"unknown convolution algorithm '{text}'; choose direct, winograd or auto.", nameof(text)),
    };

    /// <summary>The default: <see cref="EnvironmentVariable"/> if set, else auto.</summary>
    public static CpuConvolutionAlgorithm FromEnvironment() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>
    /// Whether a 3×3 convolution of <paramref name="inChannels"/> → <paramref name="outChannels"/> runs by Winograd.
    /// Auto: when both channel counts are at least 16 — measured per HighResNet layer in benchmarks/RESULTS.md
    /// ("Winograd against direct, per layer"); the 1-channel stem gains nothing (its GEMM has one input channel and
    /// the transforms dominate).
    /// </summary>
    public static bool UsesWinograd(CpuConvolutionAlgorithm algorithm, int kernel, int inChannels, int outChannels) =>
        kernel == 3 && algorithm switch
        {
            CpuConvolutionAlgorithm.Winograd => true,
            CpuConvolutionAlgorithm.Auto => inChannels >= 16 && outChannels >= 16,
            _ => false,
        };
}
