namespace NativeSeg.Kernels.Dev;

/// <summary>Forward 3×3 kernels: V1 (one thread per output), V2 (the product's shared-memory tiles), V3, V4 (register blocking).</summary>
public enum ForwardVersion { V1 = 1, V2 = 2, V3 = 3, V4 = 4 }

/// <summary>1×1 kernels: V1 (the product's one thread per output) or V2 (a GEMM over channels).</summary>
public enum PointwiseVersion { V1 = 1, V2 = 2 }

/// <summary>Backward-data: V1 (the product's gather), V2 / V3 (flip-transpose the weights, then forward V3 / V4).</summary>
public enum BackwardDataVersion { V1 = 1, V2 = 2, V3 = 3 }

/// <summary>Weight gradient 3×3: V1 (the product's tree per (o, i) pair) or V2 (implicit GEMM).</summary>
public enum WeightGradientVersion { V1 = 1, V2 = 2 }

/// <summary>
/// Which kernel version <see cref="ExperimentalIlgpuBackend"/> runs per convolution operation. <see cref="Product"/>
/// is what the product's IlgpuBackend runs; anything else is an experiment.
/// </summary>
public sealed record KernelVersions(ForwardVersion Forward, PointwiseVersion Pointwise, BackwardDataVersion BackwardData,
    WeightGradientVersion WeightGradient)
{
    public static KernelVersions Product { get; } = new(ForwardVersion.V2, PointwiseVersion.V1, BackwardDataVersion.V1, WeightGradientVersion.V1);

    /// <summary>The newest of each, for the whole-network benchmark.</summary>
    public static KernelVersions Newest { get; } = new(ForwardVersion.V4, PointwiseVersion.V2, BackwardDataVersion.V3, WeightGradientVersion.V2);

    public bool IsProduct => this == Product;

    /// <summary>
    /// "operation=version" pairs over <see cref="Product"/>, for example
    /// <c>forward=V4,backward-data=V3,weight-gradient=V2,pointwise=V2</c>; throws <see cref="ArgumentException"/> on an unknown one.
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
                "weight-gradient" when TryParse(value, out WeightGradientVersion w) => versions with { WeightGradient = w },
                _ => null,
            };
            versions = parsed ?? throw new ArgumentException(
                $"'{pair}' is not forward=V1..V4, backward-data=V1..V3, weight-gradient=V1..V2 or pointwise=V1..V2.");
        }
        return versions;
    }

    public override string ToString() =>
        $"forward={Forward},backward-data={BackwardData},weight-gradient={WeightGradient},pointwise={Pointwise}";

    private static bool TryParse<T>(string value, out T version) where T : struct, Enum =>
        Enum.TryParse(value, out version) && Enum.IsDefined(version) && value.StartsWith('V');
}
