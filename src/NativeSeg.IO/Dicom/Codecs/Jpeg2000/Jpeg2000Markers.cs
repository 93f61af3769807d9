namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>The marker codes of a JPEG 2000 Part 1 code stream (ITU-T T.800 Table A.2), second byte after 0xFF.</summary>
internal static class Jpeg2000Markers
{
    public const int Soc = 0x4F, Siz = 0x51, Cod = 0x52, Coc = 0x53, Tlm = 0x55, Plm = 0x57, Plt = 0x58,
        Qcd = 0x5C, Qcc = 0x5D, Rgn = 0x5E, Poc = 0x5F, Ppm = 0x60, Ppt = 0x61, Crg = 0x63, Com = 0x64,
        Sot = 0x90, Sop = 0x91, Eph = 0x92, Sod = 0x93, Eoc = 0xD9;

    /// <summary>The Part 2 and High-Throughput capabilities marker, and Part 2 markers: refused by name.</summary>
    public const int Cap = 0x50, Cpf = 0x59;
}
