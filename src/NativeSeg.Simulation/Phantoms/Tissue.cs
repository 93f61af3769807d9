namespace NativeSeg.Simulation.Phantoms;

/// <summary>Tissue labels of a phantom (its ground-truth label map), with their nominal densities.</summary>
public enum Tissue : byte
{
    Air = 0,
    SubcutaneousFat = 1,
    Muscle = 2,
    Bone = 3,
    SoftTissue = 4, // heart, aorta, oesophagus
    MediastinalFat = 5,
    Lung = 6,
    Vessel = 7, // pulmonary vessels inside the lungs
    AirwayLumen = 8, // trachea and main bronchi
    AirwayWall = 9,
    Abdomen = 10, // liver and upper abdomen below the diaphragm
}

public static class TissueDensity
{
    /// <summary>Nominal HU of a tissue before smooth variation, blur and noise.</summary>
    public static float NominalHu(this Tissue tissue) => tissue switch
    {
        Tissue.Air => -1000,
        Tissue.SubcutaneousFat => -100,
        Tissue.Muscle => 50,
        Tissue.Bone => 600,
        Tissue.SoftTissue => 40,
        Tissue.MediastinalFat => -90,
        Tissue.Lung => -840,
        Tissue.Vessel => 40,
        Tissue.AirwayLumen => -1000,
        Tissue.AirwayWall => 30,
        Tissue.Abdomen => 55,
        _ => throw new ArgumentOutOfRangeException(nameof(tissue), tissue, "unknown tissue"),
    };
}
