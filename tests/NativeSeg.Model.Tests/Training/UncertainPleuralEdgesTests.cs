using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Training;

/// <summary>
/// The uncertain band at dense lung edges (<see cref="UncertainPleuralEdges"/>): on a synthetic 40×60 slice, a lung of
/// aerated density (−850 HU) inside soft tissue (0 HU), with or without a block of consolidation (−20 HU) lining its
/// left edge. Only the edges the consolidation touches become uncertain, on both sides and no wider than the radius
/// (plus the ring's reach); visible edges, the consolidation's interior and the far background keep their labels.
/// </summary>
public class UncertainPleuralEdgesTests
{
    private const int Height = 40, Width = 60;

    [Test]
    public void MarksOnlyTheEdgesConsolidationTouches()
    {
        var (labels, intensity) = Slice(withConsolidation: true);
        int marked = UncertainPleuralEdges.Mark(labels, intensity, Height, Width, radius: 2);

        Assert.That(marked, Is.GreaterThan(0));
        // The left edge (x = 10 lung, x = 9 background), both sides, within the radius.
        foreach (int x in new[] { 8, 9, 10, 11 })
            Assert.That(labels[20 * Width + x], Is.EqualTo(UncertainPleuralEdges.Uncertain), $"x = {x}");
        Assert.That(labels[20 * Width + 5], Is.EqualTo(0), "background beyond the band");
        Assert.That(labels[20 * Width + 16], Is.EqualTo(1), "the consolidation's interior stays lung");
        for (int y = 0; y < Height; y++)
        for (int x = 26; x < Width; x++)
            Assert.That(labels[y * Width + x], Is.Not.EqualTo(UncertainPleuralEdges.Uncertain), $"visible edge at ({y}, {x})");
    }

    [Test]
    public void AnAeratedLungKeepsEveryLabel()
    {
        var (labels, intensity) = Slice(withConsolidation: false);
        var before = (byte[])labels.Clone();
        Assert.That(UncertainPleuralEdges.Mark(labels, intensity, Height, Width, radius: 3), Is.EqualTo(0));
        Assert.That(labels, Is.EqualTo(before).AsCollection);
    }

    [Test]
    public void RadiusZeroChangesNothing()
    {
        var (labels, intensity) = Slice(withConsolidation: true);
        var before = (byte[])labels.Clone();
        Assert.That(UncertainPleuralEdges.Mark(labels, intensity, Height, Width, radius: 0), Is.EqualTo(0));
        Assert.That(labels, Is.EqualTo(before).AsCollection);
    }

    [Test]
    public void UncertainPixelsAreHalfOfEachClassInTheOneHotLabels()
    {
        byte[] labels = [0, 1, UncertainPleuralEdges.Uncertain, 1];
        var oneHot = new float[2 * labels.Length];
        Array.Fill(oneHot, float.NaN);
        UncertainPleuralEdges.OneHot(labels, 2, oneHot);
        Assert.That(oneHot, Is.EqualTo(new[] { 1f, 0f, 0.5f, 0f, 0f, 1f, 0.5f, 1f }).AsCollection);
    }

    [Test]
    public void ATrainingSetAcceptsUncertainLabels()
    {
        var (labels, intensity) = Slice(withConsolidation: true);
        UncertainPleuralEdges.Mark(labels, intensity, Height, Width, radius: 2);
        var set = new TrainingSet([new TrainingSlice("p", intensity, labels, Height, Width)], 2);
        Assert.That(set.Slices[0].Labels, Does.Contain(UncertainPleuralEdges.Uncertain));
    }

    private static (byte[] Labels, float[] Intensity) Slice(bool withConsolidation) =>
        ConsolidatedSlice.Make(Height, Width, withConsolidation);
}
