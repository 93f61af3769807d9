namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>One component of the SIZ marker: sample precision, signedness and subsampling on the reference grid.</summary>
internal readonly record struct ComponentInfo(int Precision, bool IsSigned, int SubsamplingX, int SubsamplingY);

/// <summary>The SIZ marker (T.800 A.5.1): the reference grid, the image and tile offsets, the tile size, the components.</summary>
internal sealed record ImageGeometry(long Width, long Height, long OffsetX, long OffsetY, long TileWidth, long TileHeight,
    long TileOffsetX, long TileOffsetY, ComponentInfo[] Components)
{
    public long TilesAcross => ((Width - TileOffsetX + TileWidth - 1) / TileWidth);

    public long TilesDown => ((Height - TileOffsetY + TileHeight - 1) / TileHeight);
}

/// <summary>
/// The per-component part of COD/COC (SPcod, SPcoc; T.800 A.6.1–A.6.2): decomposition levels, code-block size,
/// code-block style, wavelet, precinct sizes per resolution (exponents; 15 when the marker gives none).
/// </summary>
internal sealed record ComponentCoding(int Levels, int CodeBlockWidthExponent, int CodeBlockHeightExponent, CodeBlockStyle Style,
    bool Reversible, byte[] PrecinctWidthExponents, byte[] PrecinctHeightExponents);

/// <summary>The whole-tile part of COD (Scod, SGcod): SOP and EPH markers, progression, layers, component transform.</summary>
internal sealed record CodingStyle(bool UsesSop, bool UsesEph, ProgressionOrder Order, int Layers, bool ComponentTransform, ComponentCoding Component);

/// <summary>
/// QCD/QCC (T.800 A.6.4–A.6.5): guard bits and, per sub-band (LL, then HL, LH, HH from the lowest resolution up),
/// the exponent and mantissa of the step size. "Derived" quantization gives only the LL values.
/// </summary>
internal sealed record Quantization(int Style, int GuardBits, int[] Exponents, int[] Mantissas)
{
    public const int None = 0, ScalarDerived = 1, ScalarExpounded = 2;

    /// <summary>(exponent, mantissa) of sub-band <paramref name="index"/> (0 = LL, 1 + 3(r − 1) + k for resolution r, band k).</summary>
    public (int Exponent, int Mantissa) Step(int index, int levelsBelow)
    {
        if (Style == ScalarDerived)
        {
            // T.800 E.1.1.2: ε_b = ε_0 − N_L + n_b, where n_b counts the decompositions down to the band.
            int exponent = index == 0 ? Exponents[0] : Exponents[0] - levelsBelow;
            return (Math.Max(exponent, 0), Mantissas[0]);
        }
        if (index >= Exponents.Length)
            throw new Jpeg2000FormatException($"the quantization marker gives {Exponents.Length} sub-band step sizes; sub-band {index} has none");
        return (Exponents[index], Mantissas[index]);
    }
}
