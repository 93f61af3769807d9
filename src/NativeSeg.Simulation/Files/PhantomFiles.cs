using NativeSeg.IO.Nifti;
using NativeSeg.Simulation.Phantoms;
using NativeSeg.Simulation.Previews;

namespace NativeSeg.Simulation.Files;

/// <summary>
/// The <c>phantom</c> command as a library call: generates a phantom and writes its CT (int16 NIfTI, HU with slope 1
/// and intercept 0), lung mask (uint8) and, for COVID-19 phantoms, lesion mask (uint8), plus an optional PNG preview
/// (left: before lesions, right: after; for a normal phantom both sides are the same CT).
/// </summary>
public static class PhantomFiles
{
    public static Phantom Write(PhantomOptions options, string ctPath, string lungMaskPath, string? lesionsPath = null,
        string? previewPath = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!CtFile.IsNifti(ctPath) || !CtFile.IsNifti(lungMaskPath) || (lesionsPath is not null && !CtFile.IsNifti(lesionsPath)))
            throw new ArgumentException("Phantom outputs must be .nii or .nii.gz paths.");
        var phantom = ChestPhantom.Generate(options);
        CtFile.WriteInt16(ctPath, phantom.Ct);
        NiftiWriter.Write(lungMaskPath, phantom.LungMask);
        if (lesionsPath is not null && phantom.Lesions is not null)
            NiftiWriter.Write(lesionsPath, phantom.Lesions);
        if (previewPath is not null)
            PreviewFile.Save(PreviewRenderer.BeforeAfter(phantom.NormalCt, phantom.Ct, phantom.LungMask, phantom.Lesions), previewPath);
        return phantom;
    }
}
