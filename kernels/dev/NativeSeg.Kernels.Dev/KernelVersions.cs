namespace NativeSeg.Kernels.Dev;

/// <summary>Forward 3×3 kernels: V1 (one thread per output), V2 (shared-memory tiles), V3 (the product's), V4 (register blocking).</summary>
public enum ForwardVersion { V1 = 1, V2 = 2, V3 = 3, V4 = 4 }

/// <summary>1×1 kernels: V1 (one thread per output) or V2 (the product's GEMM over channels).</summary>
public enum PointwiseVersion { V1 = 1, V2 = 2 }

/// <summary>
/// Backward-data: V1 (a gather), V3 (the product's) / V4 (flip-transpose the weights, then run forward V3 / V4: the number
/// is the forward kernel's).
/// </summary>
public enum BackwardDataVersion { V1 = 1, V3 = 3, V4 = 4 }

/// <summary>
/// Backward-weights (the weight gradient): V1 (a tree per (o, i) pair) or V2 (the product's GEMMs: implicit GEMM for 3×3,
/// a GEMM over positions for 1×1).
/// </summary>
public enum BackwardWeightsVersion { V1 = 1, V2 = 2 }

/// <summary>1×1 weight gradient: V1 (the product's tree per (o, i) pair) or V2 (a GEMM over positions, not yet run on a GPU).</summary>
public enum PointwiseWeightsVersion { V1 = 1, V2 = 2 }

/// <summary>Fused inference convolution, 3×3: V2 (the product's 8×32 tiles) or V3 (forward V3's register-blocked tiles, not yet run on a GPU).</summary>
public enum InferenceVersion { V2 = 2, V3 = 3 }

/// <summary>
/// Which kernel version <see cref="ExperimentalIlgpuBackend"/> runs per convolution operation. <see cref="Product"/>
/// is what the product's IlgpuBackend runs; anything else is an experiment.
/// </summary>
public sealed record KernelVersions(ForwardVersion Forward, PointwiseVersion Pointwise, BackwardDataVersion BackwardData,
    BackwardWeightsVersion BackwardWeights, PointwiseWeightsVersion PointwiseWeights = PointwiseWeightsVersion.V1,
    InferenceVersion Inference = InferenceVersion.V2)
{
    public static KernelVersions Product { get; } = new(ForwardVersion.V3, PointwiseVersion.V2, BackwardDataVersion.V3, BackwardWeightsVersion.V2);

    /// <summary>The newest of each, for the whole-network benchmark.</summary>
    public static KernelVersions Newest { get; } = new(ForwardVersion.V4, PointwiseVersion.V2, BackwardDataVersion.V4, BackwardWeightsVersion.V2,
        PointwiseWeightsVersion.V2, InferenceVersion.V3);

    public bool IsProduct => this == Product;

    /// <summary>
    /// "operation=version" pairs over <see cref="Product"/>, for example
    /// <c>forward=V4,backward-data=V4,backward-weights=V2,pointwise=V2</c>; throws <see cref="ArgumentException"/> on an unknown one.
    /// </summary>
    public static KernelVersions Parse(string? pairs)
    {
        var versions = Product;
        if (string.IsNullOrWhiteSpace(pairs)) return versions;
        foreach (var pair in pairs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            string value = parts.Length == 2 ? parts[1] : "";
            KernelVersions? parsed = parts[0] switch
            {
                "forward" when TryParse(value, out ForwardVersion f) => versions with { Forward = f },
                "pointwise" when TryParse(value, out PointwiseVersion p) => versions with { Pointwise = p },
                "backward-data" when TryParse(value, out BackwardDataVersion b) => versions with { BackwardData = b },
                "backward-weights" when TryParse(value, out BackwardWeightsVersion w) => versions with { BackwardWeights = w },
                "pointwise-weights" when TryParse(value, out PointwiseWeightsVersion pw) => versions with { PointwiseWeights = pw },
                "inference" when TryParse(value, out InferenceVersion inf) => versions with { Inference = inf },
                _ => null,
            };
            versions = parsed ?? throw new ArgumentException(
                $"'{pair}' is not forward=V1..V4, backward-data=V1, V3 or V4, backward-weights=V1..V2, pointwise=V1..V2, " +
                "pointwise-weights=V1..V2 or inference=V2..V3.");
        }
        return versions;
    }

    public override string ToString() =>
        $"forward={Forward},backward-data={BackwardData},backward-weights={BackwardWeights},pointwise={Pointwise}," +
        $"pointwise-weights={PointwiseWeights},inference={Inference}";

    private static bool TryParse<T>(string value, out T version) where T : struct, Enum =>
        Enum.TryParse(value, out version) && Enum.IsDefined(version) && value.StartsWith('V');
}
