using NativeSeg.Simulation.Lesions;

namespace NativeSeg.Simulation.Phantoms;

/// <summary>Size, field of view, noise and disease of a synthetic chest CT.</summary>
public sealed record PhantomOptions
{
    /// <summary>Columns (index i, runs towards the patient's left).</summary>
    public int SizeX { get; init; } = 256;

    /// <summary>Rows (index j, runs towards the patient's back).</summary>
    public int SizeY { get; init; } = 256;

    /// <summary>Slices (index k, runs towards the head).</summary>
    public int SizeZ { get; init; } = 64;

    /// <summary>In-plane field of view in mm (both axes); the spacing is FieldOfViewMm / SizeX and / SizeY.</summary>
    public double FieldOfViewMm { get; init; } = 400;

    /// <summary>Scan length in mm, from the upper abdomen to the lower neck; slice spacing = ScanLengthMm / SizeZ.</summary>
    public double ScanLengthMm { get; init; } = 300;

    /// <summary>SD (HU) of the white Gaussian noise added last.</summary>
    public double NoiseSd { get; init; } = 15;

    /// <summary>Varies body size, vessel tree and noise; the same seed gives the same bytes.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Null for normal lungs; otherwise COVID-19 lesions simulated with these options.</summary>
    public LesionOptions? Covid { get; init; }

    internal void Validate()
    {
        if (SizeX < 16 || SizeY < 16 || SizeZ < 4 || (long)SizeX * SizeY * SizeZ > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(SizeX), $"phantom size {SizeX}×{SizeY}×{SizeZ} must be at least 16×16×4 and fit one buffer");
        if (!(FieldOfViewMm >= 360 && FieldOfViewMm <= 1000))
            throw new ArgumentOutOfRangeException(nameof(FieldOfViewMm), FieldOfViewMm, "the field of view must be 360..1000 mm to hold the body");
        if (!(ScanLengthMm >= 50 && ScanLengthMm <= 1000))
            throw new ArgumentOutOfRangeException(nameof(ScanLengthMm), ScanLengthMm, "the scan length must be 50..1000 mm");
        if (!(NoiseSd >= 0 && NoiseSd < 500))
            throw new ArgumentOutOfRangeException(nameof(NoiseSd), NoiseSd, "the noise SD must be in [0, 500) HU");
    }
}
