namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>The four sub-band kinds, in the order a resolution level lists them (LL alone at level 0; HL, LH, HH above).</summary>
internal enum SubbandOrientation
{
    /// <summary>Low-pass both ways: the lowest resolution.</summary>
    LL = 0,
    /// <summary>Horizontally high-pass (vertical edges).</summary>
    HL = 1,
    /// <summary>Vertically high-pass (horizontal edges).</summary>
    LH = 2,
    /// <summary>High-pass both ways (diagonals).</summary>
    HH = 3,
}
