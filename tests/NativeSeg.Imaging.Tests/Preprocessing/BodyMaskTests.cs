using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Preprocessing;

public sealed class BodyMaskTests
{
    [Test]
    public void EnclosedDarkRegionsJoinTheBody_AirAroundAndDetachedObjectsDoNot()
    {
        // 20×16 slice: air (−1000), a 12×10 body ring of tissue (0 HU) enclosing a 6×4 "lung" (−850),
        // and a 2×2 "table" patch of tissue detached from the body.
        var grid = new Grid(20, 16, 1, Affine.Identity);
        var ct = new Volume<float>(grid, Enumerable.Repeat(-1000f, grid.VoxelCount).ToArray());
        for (int y = 2; y < 12; y++)
            for (int x = 3; x < 15; x++)
                ct[x, y, 0] = 0;
        for (int y = 5; y < 9; y++)
            for (int x = 6; x < 12; x++)
                ct[x, y, 0] = -850;
        ct[17, 14, 0] = ct[18, 14, 0] = ct[17, 15, 0] = ct[18, 15, 0] = 0;

        var body = BodyMask.Compute(ct);

        Assert.That(body[8, 6, 0], Is.EqualTo(1), "the enclosed lung is inside the body");
        Assert.That(body[3, 2, 0], Is.EqualTo(1), "the body's own pixels");
        Assert.That(body[0, 0, 0], Is.EqualTo(0), "air around the patient");
        Assert.That(body[17, 14, 0], Is.EqualTo(0), "a detached object is not the body");
        Assert.That(body.Voxels.Count(v => v == 1), Is.EqualTo(12 * 10));
    }

    [Test]
    public void Case009_ZeroOutsideKeepsExactlyTheBodyMasksValues()
    {
        var ct = NiftiReader.ReadFloat(NiftiTestData.LctscCt("Case_009"));
        var random = new Random(9);
        var values = new Volume<float>(ct.Grid);
        for (int i = 0; i < values.Voxels.Length; i++) values.Voxels[i] = random.Next(4) == 0 ? 0f : random.NextSingle();
        var expected = (float[])values.Voxels.Clone();
        var body = BodyMask.Compute(ct);
        for (int i = 0; i < expected.Length; i++) if (body.Voxels[i] == 0) expected[i] = 0;

        BodyMask.ZeroOutside(ct, values);

        Assert.That(values.Voxels.AsSpan().SequenceEqual(expected), Is.True);
        Assert.That(expected.Count(v => v != 0), Is.InRange(expected.Length / 10, expected.Length * 3 / 4), "both inside and outside occur");

        // The same on a 0/1 mask (the pipeline's mask-only path applies the body to the thresholded mask).
        var mask = new Volume<byte>(ct.Grid);
        for (int i = 0; i < mask.Voxels.Length; i++) mask.Voxels[i] = random.Next(2) == 0 ? (byte)0 : (byte)1;
        var expectedMask = (byte[])mask.Voxels.Clone();
        for (int i = 0; i < expectedMask.Length; i++) if (body.Voxels[i] == 0) expectedMask[i] = 0;
        BodyMask.ZeroOutside(ct, mask);
        Assert.That(mask.Voxels.AsSpan().SequenceEqual(expectedMask), Is.True);
        Assert.That(expectedMask.Count(v => v != 0), Is.InRange(expectedMask.Length / 10, expectedMask.Length * 3 / 4));
    }

    [Test]
    public void Case009_EveryLungVoxelLiesInsideTheBody()
    {
        var ct = NiftiReader.ReadFloat(NiftiTestData.LctscCt("Case_009"));
        var lungs = NiftiReader.ReadMask(NiftiTestData.LctscMask("Case_009"));

        var body = BodyMask.Compute(ct);

        long lung = 0, lungInside = 0, corners = 0;
        for (int i = 0; i < lungs.Voxels.Length; i++)
        {
            if (lungs.Voxels[i] == 0) continue;
            lung++;
            if (body.Voxels[i] == 1) lungInside++;
        }
        for (int z = 0; z < ct.Grid.SizeZ; z++) corners += body[0, 0, z] + body[ct.Grid.SizeX - 1, ct.Grid.SizeY - 1, z];
        TestContext.Progress.WriteLine($"Case_009: {lungInside} of {lung} lung voxels inside the body mask");
        Assert.That(lungInside, Is.EqualTo(lung), "the reference lungs lie inside the body");
        Assert.That(corners, Is.Zero, "image corners (air outside the patient) are not body");
        Assert.That(body.Voxels.Count(v => v == 1), Is.LessThan(ct.Grid.VoxelCount / 2), "the body is far smaller than the field of view");
    }
}
