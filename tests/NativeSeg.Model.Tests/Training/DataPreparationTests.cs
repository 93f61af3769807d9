using NativeSeg.Model.Randomness;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Training;

public class DataPreparationTests
{
    [Test]
    public void SplitIsByPatientSeededAndHoldsAtLeastOne()
    {
        var data = TrainerTests.TinyData(8);
        var split = PatientSplit.Create(data, 0.05, 3);
        Assert.That(split.ValidationPatients, Has.Count.EqualTo(1), "5% of 4 patients rounds to 0: at least one is held out");
        Assert.That(split.TrainingPatients, Has.Count.EqualTo(3));
        Assert.That(split.TrainingPatients.Intersect(split.ValidationPatients), Is.Empty);
        Assert.That(split.ValidationSlices.Select(i => data.Slices[i].Patient).Distinct(), Is.EqualTo(split.ValidationPatients));
        Assert.That(split.TrainingSlices.Count + split.ValidationSlices.Count, Is.EqualTo(data.Slices.Count));
        Assert.That(PatientSplit.Create(data, 0.05, 3).ValidationPatients, Is.EqualTo(split.ValidationPatients));
        var seen = Enumerable.Range(0, 20).Select(seed => PatientSplit.Create(data, 0.05, (ulong)seed).ValidationPatients[0]).Distinct();
        Assert.That(seen.Count(), Is.GreaterThan(1), "the seed chooses the held-out patient");
        Assert.That(PatientSplit.Create(data, 0.9, 3).TrainingPatients, Has.Count.EqualTo(1), "at least one patient is left to train on");
    }

    [Test]
    public void NamedValidationPatientsAreHeldOutExactly()
    {
        var data = TrainerTests.TinyData(8);
        var named = new[] { data.Patients[1], data.Patients[3] };
        var split = PatientSplit.Create(data, new TrainerOptions { OutputDirectory = "x", ValidationPatients = named });
        Assert.That(split.ValidationPatients, Is.EquivalentTo(named));
        Assert.That(split.TrainingPatients, Is.EquivalentTo(data.Patients.Except(named)));
        Assert.That(split.ValidationSlices.Select(i => data.Slices[i].Patient).Distinct(), Is.EquivalentTo(named));
        Assert.That(split.TrainingSlices.Count + split.ValidationSlices.Count, Is.EqualTo(data.Slices.Count));
        Assert.Throws<ArgumentException>(() => PatientSplit.Named(data, ["nobody"]));
        Assert.Throws<ArgumentException>(() => PatientSplit.Named(data, [.. data.Patients]));
    }

    [Test]
    public void AugmentationIsSeededSmallAndOffWhenNone()
    {
        var slice = TrainerTests.TinyData(8).Slices[0];
        int n = slice.Input.Length;
        var input = new float[n];
        var labels = new byte[n];
        SliceAugmentation.None.Apply(slice, new SeededRandom(1), input, labels);
        Assert.That(input, Is.EqualTo(slice.Input));
        Assert.That(labels, Is.EqualTo(slice.Labels));

        var again = new float[n];
        var againLabels = new byte[n];
        SliceAugmentation.Default.Apply(slice, new SeededRandom(2), input, labels);
        SliceAugmentation.Default.Apply(slice, new SeededRandom(2), again, againLabels);
        Assert.That(again, Is.EqualTo(input));
        Assert.That(againLabels, Is.EqualTo(labels));
        Assert.That(input, Is.Not.EqualTo(slice.Input));
        // The defaults (±5°, ±5%) move a small disc's border by less than a pixel or so: the label barely changes.
        int disc = slice.Labels.Count(l => l == 1);
        Assert.That(labels.Zip(slice.Labels).Count(p => p.First != p.Second), Is.LessThan(disc / 2));
        // A strong rotation and zoom do move it, and labels stay class indices.
        new SliceAugmentation(30, 0.3, 0, 0).Apply(slice, new SeededRandom(3), input, labels);
        Assert.That(labels.Zip(slice.Labels).Count(p => p.First != p.Second), Is.GreaterThan(0));
        Assert.That(labels.All(l => l <= 1));
    }

    [Test]
    public void IntensityJitterIsOneGainAndShiftPerSliceWithinItsBounds()
    {
        var slice = TrainerTests.TinyData(8).Slices[0];
        var input = new float[slice.Input.Length];
        var labels = new byte[slice.Input.Length];
        // Two pixels of different intensity fix the slice's gain and shift; every other pixel must follow them.
        int low = Array.IndexOf(slice.Input, slice.Input.Min()), high = Array.IndexOf(slice.Input, slice.Input.Max());
        double spread = slice.Input[high] - slice.Input[low];
        Assert.That(spread, Is.GreaterThan(0.1), "the slice needs two clearly different intensities");
        foreach (var (gain, shiftHu) in new[] { (0.05, 20.0), (0.0, 10.0), (0.2, 0.0) })
        {
            var jitter = new SliceAugmentation(0, 0, gain, shiftHu / 1000);
            double largestGain = 0, largestShift = 0;
            for (ulong seed = 1; seed <= 40; seed++)
            {
                jitter.Apply(slice, new SeededRandom(seed), input, labels);
                double a = (input[high] - input[low]) / spread - 1;
                double b = input[low] - slice.Input[low] * (1 + a);
                for (int i = 0; i < input.Length; i++)
                    Assert.That(input[i], Is.EqualTo(slice.Input[i] * (1 + a) + b).Within(1e-5), $"pixel {i}, seed {seed}");
                Assert.That(Math.Abs(a), Is.LessThanOrEqualTo(gain + 1e-6));
                Assert.That(Math.Abs(b) * 1000, Is.LessThanOrEqualTo(shiftHu + 1e-3));
                Assert.That(labels, Is.EqualTo(slice.Labels));
                largestGain = Math.Max(largestGain, Math.Abs(a));
                largestShift = Math.Max(largestShift, Math.Abs(b) * 1000);
            }
            // Forty draws use most of each range: the bounds are where the draws come from, not just a cap on them.
            Assert.That(largestGain, Is.GreaterThanOrEqualTo(0.8 * gain));
            Assert.That(largestShift, Is.GreaterThanOrEqualTo(0.8 * shiftHu));
        }
    }

    [Test]
    public void RandomStateRoundTrips()
    {
        var random = new SeededRandom(9);
        random.NextUInt64();
        var copy = SeededRandom.RestoreState(random.SaveState());
        Assert.That(Enumerable.Range(0, 5).Select(_ => copy.NextUInt64()), Is.EqualTo(Enumerable.Range(0, 5).Select(_ => random.NextUInt64())));
    }
}
