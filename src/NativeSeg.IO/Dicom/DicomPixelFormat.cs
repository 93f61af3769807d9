namespace NativeSeg.IO.Dicom;

/// <summary>
/// The image pixel module attributes (PS3.3 C.7.6.3) that say how stored values are laid out, read and checked.
/// NativeSeg reads greyscale (one sample per pixel) images of 8 or 16 allocated bits.
/// </summary>
public sealed record DicomPixelFormat(int Rows, int Columns, int Frames, int BitsAllocated, int BitsStored, int HighBit, bool IsSigned)
{
    public int PixelsPerFrame => Rows * Columns;

    public int BytesPerSample => BitsAllocated / 8;

    public static DicomPixelFormat Read(DicomFile file)
    {
        var ds = file.Dataset;
        string path = file.Path;
        int rows = ds.GetRequiredUInt16(DicomTags.Rows), columns = ds.GetRequiredUInt16(DicomTags.Columns);
        int samplesPerPixel = ds.GetUInt16(DicomTags.SamplesPerPixel) ?? 1;
        int bitsAllocated = ds.GetRequiredUInt16(DicomTags.BitsAllocated);
        int bitsStored = ds.GetUInt16(DicomTags.BitsStored) ?? bitsAllocated;
        int highBit = ds.GetUInt16(DicomTags.HighBit) ?? bitsStored - 1;
        int representation = ds.GetUInt16(DicomTags.PixelRepresentation) ?? 0;
        double frames = ds.GetDecimal(DicomTags.NumberOfFrames, 1);

        if (rows == 0 || columns == 0) throw new InvalidInputException(path, $"the image is {columns}×{rows} pixels");
        string? photometric = ds.GetString(DicomTags.PhotometricInterpretation);
        if (samplesPerPixel != 1)
            throw new InvalidInputException(path, $"SamplesPerPixel = {samplesPerPixel} (PhotometricInterpretation {InputText.Printable(photometric ?? "absent")}); a CT image has one sample per pixel");
        // MONOCHROME1 only inverts the display; the rescale still gives HU. Colour (RGB, YBR, PALETTE COLOR) is not CT.
        if (photometric is not (null or "" or "MONOCHROME1" or "MONOCHROME2"))
            throw new InvalidInputException(path, $"PhotometricInterpretation = {InputText.Printable(photometric)}; a CT image is MONOCHROME2 (or MONOCHROME1)");
        if (bitsAllocated is not (8 or 16))
            throw new InvalidInputException(path, $"BitsAllocated {bitsAllocated} is not supported (8 or 16)");
        if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated)
            throw new InvalidInputException(path, $"BitsStored {bitsStored} and HighBit {highBit} do not fit BitsAllocated {bitsAllocated}");
        if (representation is not (0 or 1))
            throw new InvalidInputException(path, $"PixelRepresentation {representation} is neither 0 (unsigned) nor 1 (signed)");
        if (frames < 1 || frames > int.MaxValue || frames != Math.Floor(frames))
            throw new InvalidInputException(path, $"NumberOfFrames {frames} is not a positive whole number");
        return new DicomPixelFormat(rows, columns, (int)frames, bitsAllocated, bitsStored, highBit, representation == 1);
    }

    /// <summary>
    /// Turns a raw sample bit pattern into the stored value: shift the stored bits down to bit 0 (HighBit may sit
    /// above BitsStored − 1), drop the bits above them (overlays or garbage), and sign-extend when signed.
    /// </summary>
    public int StoredValue(int raw) => StoredValues.Of(raw);

    /// <summary>The constants of <see cref="StoredValue"/>, computed once for a loop over pixels.</summary>
    internal StoredValueMap StoredValues => new(HighBit + 1 - BitsStored, BitsStored, IsSigned);

    internal readonly struct StoredValueMap(int shift, int bits, bool signed)
    {
        private readonly int _shift = shift;
        private readonly int _mask = (1 << bits) - 1;
        // Sign extension without a branch: move the sign bit to bit 31, then shift back arithmetically.
        private readonly int _signShift = signed ? 32 - bits : 0;

        public int Of(int raw) => (((raw >> _shift) & _mask) << _signShift) >> _signShift;
    }
}
