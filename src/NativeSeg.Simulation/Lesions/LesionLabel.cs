namespace NativeSeg.Simulation.Lesions;

/// <summary>Values of the lesion mask written by the simulator. Every lesion voxel except <see cref="Effusion"/> is also a
/// lung-mask voxel of the result.</summary>
public static class LesionLabel
{
    public const byte None = 0;

    /// <summary>Ground-glass opacity: lung blended towards about −600 HU, vessels left visible.</summary>
    public const byte GroundGlass = 1;

    /// <summary>Consolidation: near-solid, about −100 to +50 HU; every consolidation component touches the pleura.</summary>
    public const byte Consolidation = 2;

    /// <summary>Ground glass with crazy paving: a polygonal network of thickened septa over the ground glass.</summary>
    public const byte CrazyPaving = 3;

    /// <summary>Pleural effusion: fluid (5–25 HU) in the dependent pleural space. Not lung: these voxels are removed
    /// from the result's lung mask.</summary>
    public const byte Effusion = 4;
}
