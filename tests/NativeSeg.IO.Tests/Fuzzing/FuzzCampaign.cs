using System.Diagnostics;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>
/// Reads mutants through the path a user's input takes (<see cref="CtReader.Read"/>: parsing, decoding, geometry and
/// intensity checks) and classifies each. An accepted volume is checked again here, independently of the readers,
/// against <see cref="CtGeometryLimits"/> and for finite voxels, so a hole in the readers' checks shows up as
/// <see cref="FuzzOutcome.AcceptedImplausible"/>.
/// </summary>
public sealed class FuzzCampaign(IReadOnlyList<FuzzSeed> seeds, string workFolder, TimeSpan perMutantLimit)
{
    /// <summary>
    /// Runs <paramref name="mutants"/> mutants, seeds taken in turn, from one <see cref="Random"/> seeded with
    /// <paramref name="seed"/>. Stops early at the first hang (its reading thread cannot be stopped) or when
    /// <paramref name="stop"/> fires; <paramref name="progress"/> is called every 1000 mutants.
    /// </summary>
    public FuzzTally Run(long mutants, int seed, Action<FuzzTally>? progress = null, CancellationToken stop = default)
    {
        Directory.CreateDirectory(workFolder);
        var random = new Random(seed);
        var tally = new FuzzTally();
        for (long n = 0; n < mutants && !stop.IsCancellationRequested; n++)
        {
            var mutant = CtInputMutator.Mutate(seeds[(int)(n % seeds.Count)], random);
            string path = Path.Combine(workFolder, "mutant" + mutant.Seed.Extension);
            File.WriteAllBytes(path, mutant.Bytes);
            var watch = Stopwatch.StartNew();
            var reading = Task.Run(() => Classify(path));
            if (!reading.Wait(perMutantLimit))
            {
                tally.Add(mutant, FuzzOutcome.Hung, $"no answer after {perMutantLimit.TotalSeconds:F0} s", watch.Elapsed);
                break;
            }
            var (outcome, detail) = reading.Result;
            tally.Add(mutant, outcome, detail, watch.Elapsed);
            if ((n + 1) % 1000 == 0) progress?.Invoke(tally);
        }
        return tally;
    }

    private static (FuzzOutcome Outcome, string Detail) Classify(string path)
    {
        Volume<float> ct;
        try
        {
            ct = CtReader.Read(path);
        }
        catch (InvalidInputException e)
        {
            bool oneLineNamingTheFile = e.Path == path && e.Message.StartsWith(path, StringComparison.Ordinal) && !e.Message.Any(char.IsControl);
            return oneLineNamingTheFile ? (FuzzOutcome.Rejected, e.Reason) : (FuzzOutcome.Crashed, $"rejection message not one clean line naming the file: {e.Message}");
        }
        catch (Exception e)
        {
            return (FuzzOutcome.Crashed, $"{e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
        }
        return Implausibility(ct) is { } problem ? (FuzzOutcome.AcceptedImplausible, problem) : (FuzzOutcome.Accepted, "");
    }

    private static string? Implausibility(Volume<float> ct)
    {
        var a = ct.Grid.Affine;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                if (!double.IsFinite(a[r, c])) return $"affine[{r},{c}] = {a[r, c]}";
        if (!CtGeometryLimits.IsPlausibleInPlaneSpacing(a.Spacing(0)) || !CtGeometryLimits.IsPlausibleInPlaneSpacing(a.Spacing(1)))
            return $"in-plane spacing {a.Spacing(0)} × {a.Spacing(1)} mm";
        if (!CtGeometryLimits.IsPlausibleSliceSpacing(a.Spacing(2))) return $"slice spacing {a.Spacing(2)} mm";
        for (int r = 0; r < 3; r++)
            if (!CtGeometryLimits.IsPlausiblePosition(a[r, 3])) return $"origin[{r}] = {a[r, 3]}";
        if (ct.Grid.VoxelVolume <= 0) return "zero voxel volume";
        int bad = Array.FindIndex(ct.Voxels, v => !float.IsFinite(v));
        return bad >= 0 ? $"voxel {bad} = {ct.Voxels[bad]}" : null;
    }
}
