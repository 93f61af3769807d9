namespace NativeSeg.IO.Dicom;

/// <summary>A DICOM attribute tag (group, element), printed the way DICOM documents write it: (0028,0010).</summary>
public readonly record struct DicomTag(ushort Group, ushort Element)
{
    /// <summary>Group in the high 16 bits, element in the low 16 bits: the order tags sort in a dataset.</summary>
    public uint Value => ((uint)Group << 16) | Element;

    public bool IsPrivate => (Group & 1) == 1;

    public override string ToString() => $"({Group:X4},{Element:X4})";
}
