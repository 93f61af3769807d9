using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeSeg.IO.Tests.Dicom;

/// <summary>
/// Just enough of a .nii.gz reader to compare against dcm2niix's output: the NIfTI-1 header fields for dims,
/// datatype, vox_offset, scl_slope/scl_inter and the sform (srow_x/y/z), and int16/uint8 voxels. Written
/// independently of the project's NIfTI reader so the DICOM test does not lean on code under test elsewhere.
/// </summary>
internal sealed class ReferenceNifti
{
    public int[] Dims { get; private init; } = [];
    public double[,] Srow { get; private init; } = new double[3, 4]; // voxel index → RAS mm
    public float[] Values { get; private init; } = [];               // after scl_slope / scl_inter

    public float this[int i, int j, int k] => Values[i + Dims[0] * (j + Dims[1] * k)];

    public static ReferenceNifti Read(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gz.CopyTo(memory);
        var b = memory.ToArray();
        if (BinaryPrimitives.ReadInt32LittleEndian(b) != 348) throw new InvalidDataException("not a little endian NIfTI-1 file");
        short Short(int at) => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(at));
        float Float(int at) => BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(at));
        int[] dims = [Short(42), Short(44), Short(46)];
        short datatype = Short(70);
        int offset = (int)Float(108);
        float slope = Float(112), inter = Float(116);
        if (slope == 0) { slope = 1; inter = 0; }
        var srow = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                srow[r, c] = Float(280 + 16 * r + 4 * c);
        int count = dims[0] * dims[1] * dims[2];
        var values = new float[count];
        for (int n = 0; n < count; n++)
        {
            double raw = datatype switch
            {
                4 => Short(offset + 2 * n),   // int16
                2 => b[offset + n],           // uint8
                _ => throw new InvalidDataException($"datatype {datatype} not handled by the reference reader"),
            };
            values[n] = (float)(raw * slope + inter);
        }
        return new ReferenceNifti { Dims = dims, Srow = srow, Values = values };
    }
}
