namespace NativeSeg.Engine.Cpu;

/// <summary>
/// How the cpu backend computes the convolutions, in inference (<see cref="IBackend.ConvolutionInferenceForward"/>) and
/// in training (<see cref="IBackend.ConvolutionForward"/>, <see cref="IBackend.ConvolutionBackwardData"/> and
/// <see cref="IBackend.ConvolutionBackwardWeights"/>, whose 3×3 layers then all run by Winograd and whose 1×1 layers
/// on channels-last inputs run as GEMMs). <see cref="Direct"/> keeps every pass on the exact direct loop.
/// Environment variable <see cref="EnvironmentVariable"/> = direct | winograd | auto sets the default of
/// <c>new CpuBackend()</c>.
/// </summary>
public enum CpuConvolutionAlgorithm
{
    /// <summary>Winograd where it measured faster than direct (<see cref="CpuConvolutionAlgorithms.UsesWinograd"/>), else direct.</summary>
    Auto,

    /// <summary>The direct loop: each output is the float32 sum of its 9·Cin products; the fused result equals the separate operations bit for bit.</summary>
    Direct,

    /// <summary>Winograd F(4×4, 3×3) for every 3×3 convolution (1×1 layers run as GEMMs where their input is channels-last): about 4× fewer multiplications, float32 error of about 1e-6 relative.</summary>
    Winograd,
}

/// <summary>Parsing and the per-layer choice of <see cref="CpuConvolutionAlgorithm.Auto"/>.</summary>
public static class CpuConvolutionAlgorithms
{
    public const string EnvironmentVariable = "NATIVESEG_CPU_CONVOLUTION";

    /// <summary>Auto runs Winograd when both channel counts reach this (see <see cref="UsesWinograd"/>).</summary>
    public const int AutoMinimumChannels = 32;

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
    /// Auto: when both channel counts are at least 32, the HighResNet2D layers of res_2 and res_3 (32→32 d2, 32→64 d4,
    /// 64→64 d4). Since the Winograd layers hand their outputs on channels-last (<see cref="CpuLayout"/>), the
    /// transposes that made Winograd no faster than direct at 32 channels are gone from all but the first layer of a run;
    /// Case_009 on the 2-core AVX-512 machine: network 11.3–11.6 s with Winograd from 64 channels, 10.1–10.2 s from 32,
    /// 10.0–10.3 s from 16 (benchmarks/RESULTS.md, "Channels-last activations"): 16 gains nothing measurable and adds
    /// six more layers of Winograd rounding, so the line is at 32. The 1→16 stem is always faster direct.
    /// </summary>
    public static bool UsesWinograd(CpuConvolutionAlgorithm algorithm, int kernel, int inChannels, int outChannels) =>
        kernel == 3 && algorithm switch
        {
            CpuConvolutionAlgorithm.Winograd => true,
            CpuConvolutionAlgorithm.Auto => inChannels >= AutoMinimumChannels && outChannels >= AutoMinimumChannels,
            _ => false,
        };
}
