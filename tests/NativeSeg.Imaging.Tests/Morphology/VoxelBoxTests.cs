using NativeSeg.Imaging.Morphology;

namespace NativeSeg.Imaging.Tests.Morphology;

[TestFixture]
public class VoxelBoxTests
{
    // The vectorised row search against a plain scan of every voxel, on sparse random volumes with rows longer and
    // shorter than one 64-byte vector.
    [TestCase(5, 4, 3, 1)]
    [TestCase(70, 9, 6, 2)]
    [TestCase(131, 17, 5, 3)]
    public void AroundMatchesAScanOfEveryVoxel(int sizeX, int sizeY, int sizeZ, int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var volume = new byte[sizeX * sizeY * sizeZ];
            int marks = random.Next(0, 6);
            for (int m = 0; m < marks; m++) volume[random.Next(volume.Length)] = (byte)random.Next(1, 256);

            VoxelBox? expected = null;
            for (int z = 0; z < sizeZ; z++)
                for (int y = 0; y < sizeY; y++)
                    for (int x = 0; x < sizeX; x++)
                    {
                        if (volume[x + sizeX * (y + sizeY * z)] == 0) continue;
                        expected = expected is { } b
                            ? new VoxelBox(Math.Min(b.X0, x), Math.Min(b.Y0, y), Math.Min(b.Z0, z), Math.Max(b.X1, x), Math.Max(b.Y1, y), Math.Max(b.Z1, z))
                            : new VoxelBox(x, y, z, x, y, z);
                    }

            Assert.That(VoxelBox.Around(volume, sizeX, sizeY, sizeZ), Is.EqualTo(expected), $"trial {trial}, {marks} marks");
        }
    }

    [Test]
    public void GrowThenClipStaysInsideTheVolume()
    {
        var box = new VoxelBox(0, 3, 4, 9, 5, 4).Grow(2).ClipTo(10, 7, 5);
        Assert.That(box, Is.EqualTo(new VoxelBox(0, 1, 2, 9, 6, 4)));
    }

    [Test]
    public void AroundRefusesAVolumeOfTheWrongSize() =>
        Assert.That(() => VoxelBox.Around(new byte[10], 3, 3, 1), Throws.ArgumentException.With.Message.Contains("3×3×1"));
}
