using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// Small real DICOM series for end-to-end runs, copied (never changed) from ../shared/data into a test's folder: a
/// contiguous run of Case_009 slices (LCTSC, explicit VR, Siemens) keeps the network's time short, and the two
/// contiguous GE chest slices of the Chest Imaging Platform (another patient, another scanner).
/// </summary>
internal static class RealSeries
{
    public static string Case009Folder => RepositoryPaths.SharedData("lctsc", "Case_009_dicom");

    /// <summary>Case_009 slices first..first+count-1 (file names 1-041.dcm … count head to feet; all hold lung for 30–80).</summary>
    public static string CopyCase009(string folder, int first, int count)
    {
        Directory.CreateDirectory(folder);
        for (int i = first; i < first + count; i++)
        {
            string name = $"1-{i:D3}.dcm";
            File.Copy(Path.Combine(Case009Folder, name), Path.Combine(folder, name));
        }
        return folder;
    }

    /// <summary>The two GE LightSpeed chest slices (series 1.2.840.113619…133.3, PatientID COPD).</summary>
    public static string CopyGeSlices(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string name in new[] { "slice001.dcm", "slice002.dcm" })
            File.Copy(RepositoryPaths.SharedData("dicom", name), Path.Combine(folder, name));
        return folder;
    }

    /// <summary>Case_009 as NIfTI (LCTSC via dcm2niix).</summary>
    public static string Case009Nifti => RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz");

    public static string SegCheckScript => RepositoryPaths.InRepository("tests", "NativeSeg.IO.Tests", "Fixtures", "Seg", "seg_check.py");
}
