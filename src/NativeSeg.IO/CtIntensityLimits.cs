using NativeSeg.IO.Volumes;

namespace NativeSeg.IO;

/// <summary>
/// The stored-value scaling and voxel values NativeSeg accepts as a CT in Hounsfield units.
/// <list type="bullet">
/// <item>Rescale slope (DICOM RescaleSlope, NIfTI scl_slope) in (0, 1000]: scanners write 1 (sometimes 0.5 or 2). A
/// zero or negative slope turns air into bone and the lungs vanish from the mask; a huge one overflows float.</item>
/// <item>Rescale intercept within ±1e5 HU: scanners write 0, −1000, −1024 or −32768 for unsigned data.</item>
/// <item>Every voxel finite: NaN or infinity is never a density, and it poisons every sum made from the image.</item>
/// </list>
/// </summary>
public static class CtIntensityLimits
{
    public const double MaxRescaleSlope = 1000;
    public const double MaxAbsoluteRescaleIntercept = 1e5;

    public static bool IsPlausibleSlope(double slope) => slope > 0 && slope <= MaxRescaleSlope;

    public static bool IsPlausibleIntercept(double intercept) => Math.Abs(intercept) <= MaxAbsoluteRescaleIntercept;

    /// <summary>Refuses a slope outside (0, 1000], naming the header field.</summary>
    public static void RequireSlope(double slope, string path, string field)
    {
        if (!IsPlausibleSlope(slope))
            throw new InvalidInputException(path,
                $"{field} = {CtGeometryLimits.Format(slope)} is not a plausible CT rescale slope (0 < slope ≤ {CtGeometryLimits.Format(MaxRescaleSlope)}): the values would not be Hounsfield units");
    }

    /// <summary>Refuses an intercept beyond ±1e5, naming the header field.</summary>
    public static void RequireIntercept(double intercept, string path, string field)
    {
        if (!IsPlausibleIntercept(intercept))
            throw new InvalidInputException(path,
                $"{field} = {CtGeometryLimits.Format(intercept)} is not a plausible CT rescale intercept (|intercept| ≤ {CtGeometryLimits.Format(MaxAbsoluteRescaleIntercept)} HU)");
    }

    /// <summary>Refuses a CT holding NaN or infinite voxels, with their count and the first one's index.</summary>
    public static void RequireFiniteVoxels(Volume<float> ct, string path)
    {
        ArgumentNullException.ThrowIfNull(ct);
        var voxels = ct.Voxels;
        int first = -1;
        long count = 0;
        for (int i = 0; i < voxels.Length; i++)
        {
            if (float.IsFinite(voxels[i])) continue;
            if (first < 0) first = i;
            count++;
        }
        if (count > 0)
            throw new InvalidInputException(path,
                $"{count} voxel(s) are NaN or infinite (the first at index {first}: {voxels[first]}); a CT holds finite Hounsfield units");
    }
}
