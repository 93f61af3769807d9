using System.Text.RegularExpressions;
using NativeSeg.IO.Dicom.Writing;

namespace NativeSeg.IO.Tests.Dicom.Writing;

/// <summary>The small pieces the DICOM writers stand on: UIDs, decimal strings, pixel outlines.</summary>
public sealed partial class DicomWritingPrimitivesTests
{
    [GeneratedRegex(@"^2\.25\.(0|[1-9][0-9]*)$")]
    private static partial Regex UuidDerivedUid();

    [Test]
    public void NewUidsAreUuidDerivedValidAndDistinct()
    {
        var uids = Enumerable.Range(0, 2000).Select(_ => DicomUids.Create()).ToList();
        Assert.That(uids.Distinct().Count(), Is.EqualTo(uids.Count));
        foreach (string uid in uids)
        {
            Assert.That(uid, Does.Match(UuidDerivedUid()), "PS3.5 9.1: digits, no leading zeros");
            Assert.That(uid.Length, Is.LessThanOrEqualTo(64));
        }
        Assert.That(DicomUids.ImplementationClassUid, Does.Match(UuidDerivedUid()));
    }

    [TestCase(-249.51171875, "-249.51171875")]
    [TestCase(0.976562, "0.976562")]
    [TestCase(1e-7, "1E-07")]
    [TestCase(-123.45678901234567, "-123.45678901235")]
    [TestCase(123456789012345678.0, "1.2345678901E+17")]
    public void DecimalStringsFitSixteenCharacters(double value, string expected)
    {
        string text = DicomOutputDataset.FormatDecimal(value);
        Assert.That(text, Is.EqualTo(expected));
        Assert.That(text.Length, Is.LessThanOrEqualTo(16));
    }

    [Test]
    public void OutlinesOfASquareWithAHoleAreTwoLoopsOfFourCorners()
    {
        // 4×4 square with the middle 2×2 removed, in a 6×6 image with a one-pixel margin.
        var pixels = new bool[36];
        for (int y = 1; y <= 4; y++)
            for (int x = 1; x <= 4; x++)
                pixels[y * 6 + x] = !(x is 2 or 3 && y is 2 or 3);
        var loops = PixelContours.Trace(pixels, 6, 6);
        Assert.That(loops, Has.Count.EqualTo(2));
        var corners = loops.Select(l => l.OrderBy(p => p.Column).ThenBy(p => p.Row).ToArray()).OrderBy(l => l[0].Column).ToList();
        Assert.That(corners[0], Is.EqualTo(new[] { (1, 1), (1, 5), (5, 1), (5, 5) }));
        Assert.That(corners[1], Is.EqualTo(new[] { (2, 2), (2, 4), (4, 2), (4, 4) }));
    }

    [Test]
    public void DiagonallyTouchingPixelsAndTheImageBorderAreOutlined()
    {
        // Two pixels touching at a corner, one of them on the image border: every edge is used once, 8 corners.
        var pixels = new bool[9];
        pixels[0] = true;      // (0, 0)
        pixels[4] = true;      // (1, 1)
        var loops = PixelContours.Trace(pixels, 3, 3);
        Assert.That(loops.Sum(l => l.Length), Is.EqualTo(8));
        Assert.That(loops.SelectMany(l => l).Distinct().Count(), Is.EqualTo(7), "the shared corner (1, 1) appears twice");
    }
}
