using NativeSeg.IO;
using NativeSeg.IO.Volumes;
using NativeSeg.IO.Nifti;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Previews;

namespace NativeSeg.Simulation.Files;

/// <summary>
/// The <c>simulate</c> command as a library call: CT (NIfTI file, DICOM folder or DICOM file) + lung mask (NIfTI) in,
/// CT with lesions (NIfTI, same grid and affine, int16 with the input's scaling or float32 like the input) and lesion
/// mask (uint8 NIfTI, <see cref="LesionLabel"/>) out, plus an optional PNG preview. The lung mask stays the reference
/// mask of the output CT (lesions are lung), so it is not rewritten. A mask stored in another index order than a
/// DICOM series is put onto the CT grid first (<see cref="VolumeAlignment"/>). Returns the counts and the checks
/// measured on the output (<see cref="LesionCheckReport"/>; print it, and fail when it did not pass).
/// </summary>
public static class CovidSimulation
{
    public static (LesionStatistics Statistics, LesionCheckReport Checks) Run(string ctPath, string lungMaskPath, string outputCtPath, string outputLesionsPath,
        LesionOptions options, string? previewPath = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var input = CtFile.Read(ctPath);
        var mask = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(lungMaskPath), input.Ct.Grid, lungMaskPath);
        if (!mask.Voxels.AsSpan().ContainsAnyExcept((byte)0))
            throw new InvalidInputException(lungMaskPath, "the lung mask is empty (every voxel 0): there is no lung to put lesions in");
        var result = LesionSimulator.Simulate(input.Ct, mask, options);
        input.WriteLike(outputCtPath, result.Ct);
        NiftiWriter.Write(outputLesionsPath, result.Lesions, input.Header);
        if (previewPath is not null)
            PreviewFile.Save(PreviewRenderer.BeforeAfter(input.Ct, result.Ct, mask, result.Lesions), previewPath);
        return (result.Statistics, LesionCheck.Measure(input.Ct, mask, result));
    }
}
