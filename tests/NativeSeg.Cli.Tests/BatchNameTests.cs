using NativeSeg.Cli.Segmentation;

namespace NativeSeg.Cli.Tests;

/// <summary>The documented output-name pattern of batch runs: {PatientID}_{SeriesInstanceUID}, safe in any file system.</summary>
public sealed class BatchNameTests
{
    [TestCase("Case_009", "1.2.3", "Case_009_1.2.3")]
    [TestCase("  Müller/Anna ", "1.2.3", "M_ller_Anna_1.2.3")]
    [TestCase(null, "1.2.3", "unknown_1.2.3")]
    [TestCase("", "", "unknown_noseries")]
    [TestCase("..", "1.2", "__1.2")]
    [TestCase("a\\b:c*d?\"e<f>g|h\n", "9", "a_b_c_d__e_f_g_h_9")]
    public void StemsAreSafeFileNames(string? patientId, string? seriesUid, string expected)
    {
        Assert.That(BatchJob.StemOf(patientId, seriesUid), Is.EqualTo(expected));
    }

    [Test]
    public void NiftiInputsAreNamedAfterTheirFile()
    {
        Assert.That(BatchJob.ForNifti("/data/Case_009_ct.nii.gz").Stem, Is.EqualTo("Case_009_ct"));
        Assert.That(BatchJob.ForNifti("scan one.NII").Stem, Is.EqualTo("scan_one"));
    }

    [Test]
    public void LongIdentifiersAreCut()
    {
        Assert.That(BatchJob.StemOf(new string('p', 300), "1.2"), Has.Length.EqualTo(100 + 1 + 3));
    }
}
