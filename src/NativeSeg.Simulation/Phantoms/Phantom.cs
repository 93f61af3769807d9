using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Lesions;

namespace NativeSeg.Simulation.Phantoms;

/// <summary>A synthetic chest CT with its ground truth.</summary>
public sealed class Phantom
{
    internal Phantom(Volume<float> normalCt, Volume<byte> lungMask, Volume<byte> tissues, LesionSimulationResult? covid)
    {
        NormalCt = normalCt;
        Ct = covid?.Ct ?? normalCt;
        LungMask = lungMask;
        Tissues = tissues;
        Lesions = covid?.Lesions;
        LesionStatistics = covid?.Statistics;
    }

    /// <summary>CT in HU. Index i runs to the patient's left, j to the back, k to the head (LPS index order, as a
    /// DICOM axial series); the affine is RAS: diag(−Δx, −Δy, +Δz) with the image centre at x = y = z = 0.</summary>
    public Volume<float> Ct { get; }

    /// <summary>The CT before lesions were added (the same object as <see cref="Ct"/> for normal phantoms).</summary>
    public Volume<float> NormalCt { get; }

    /// <summary>Lung mask (0/1): parenchyma, vessels and any lesions; trachea and main bronchi excluded.</summary>
    public Volume<byte> LungMask { get; }

    /// <summary>Tissue label map (<see cref="Tissue"/>) before lesions.</summary>
    public Volume<byte> Tissues { get; }

    /// <summary>Lesion mask (<see cref="LesionLabel"/>) for COVID-19 phantoms; null for normal ones.</summary>
    public Volume<byte>? Lesions { get; }

    public LesionStatistics? LesionStatistics { get; }
}
