namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>How a seed file is stored: a DICOM file, a plain NIfTI, a NIfTI to be gzip-compressed after mutation, or a NRRD file.</summary>
public enum FuzzFormat
{
    Dicom,
    Nifti,
    NiftiGz,
    Nrrd,
}

/// <summary>
/// A valid file that mutants are made from. For <see cref="FuzzFormat.NiftiGz"/> the bytes are the decompressed
/// file, so header edits hit the header, not the deflate stream.
/// </summary>
public sealed record FuzzSeed(string Name, byte[] Bytes, FuzzFormat Format)
{
    /// <summary>The extension CtReader needs to pick the reader.</summary>
    public string Extension => Format switch { FuzzFormat.Dicom => ".dcm", FuzzFormat.Nifti => ".nii", FuzzFormat.Nrrd => ".nrrd", _ => ".nii.gz" };
}

/// <summary>One mutated file and how it was made (enough to reproduce it by hand).</summary>
public sealed record FuzzMutant(FuzzSeed Seed, byte[] Bytes, string Description);
