namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>The five packet orders of T.800 Table A.16: which of layer, resolution, component and position varies slowest.</summary>
internal enum ProgressionOrder
{
    LayerResolutionComponentPosition = 0,
    ResolutionLayerComponentPosition = 1,
    ResolutionPositionComponentLayer = 2,
    PositionComponentResolutionLayer = 3,
    ComponentPositionResolutionLayer = 4,
}

/// <summary>One progression of a POC marker (T.800 A.6.6), or the whole tile in the COD's order: half-open ranges.</summary>
internal readonly record struct ProgressionVolume(int ResolutionStart, int ComponentStart, int LayerEnd, int ResolutionEnd, int ComponentEnd, ProgressionOrder Order);
