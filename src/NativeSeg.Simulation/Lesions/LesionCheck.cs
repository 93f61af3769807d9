using NativeSeg.IO.Volumes;

namespace NativeSeg.Simulation.Lesions;

/// <summary>The checks a simulation must pass, measured on its output (the <c>simulate</c> command prints them).</summary>
/// <param name="LesionVoxelsOutsideLung">Lesion voxels where the lung mask is 0: must be 0.</param>
/// <param name="GroundGlassMedianHu">Median output HU of ground glass (with or without crazy paving) over voxels that
/// were parenchyma (below −700 HU) before: expected −700..−500. NaN when there is no such voxel.</param>
/// <param name="ConsolidationMedianHu">Median output HU of consolidation: expected −100..+50. NaN when none.</param>
/// <param name="FractionError">Affected fraction minus the requested fraction: expected within ±0.02.</param>
public sealed record LesionCheckReport(long LesionVoxelsOutsideLung, double GroundGlassMedianHu, double ConsolidationMedianHu, double FractionError)
{
    public const double FractionTolerance = 0.02;

    public bool Passed =>
        LesionVoxelsOutsideLung == 0
        && (double.IsNaN(GroundGlassMedianHu) || GroundGlassMedianHu is >= -700 and <= -500)
        && (double.IsNaN(ConsolidationMedianHu) || ConsolidationMedianHu is >= -100 and <= 50)
        && Math.Abs(FractionError) <= FractionTolerance;

    public override string ToString() =>
        $"outside lung {LesionVoxelsOutsideLung}, ground glass median {GroundGlassMedianHu:F0} HU, consolidation median "
        + $"{ConsolidationMedianHu:F0} HU, fraction error {FractionError:F4}: {(Passed ? "passed" : "FAILED")}";
}

public static class LesionCheck
{
    public static LesionCheckReport Measure(Volume<float> input, Volume<byte> lungMask, LesionSimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(lungMask);
        ArgumentNullException.ThrowIfNull(result);
        long outside = 0, lung = 0, lesion = 0;
        var glass = new List<float>();
        var consolidation = new List<float>();
        // Against the output's lung mask: a simulated effusion is not lung and not a lesion.
        var outputLung = result.LungMask.Voxels;
        for (int v = 0; v < input.Voxels.Length; v++)
        {
            if (outputLung[v] != 0) lung++;
            byte label = result.Lesions.Voxels[v];
            if (label is LesionLabel.None or LesionLabel.Effusion) continue;
            lesion++;
            if (outputLung[v] == 0) outside++;
            if (label == LesionLabel.Consolidation) { if (input.Voxels[v] >= LesionSimulator.BronchogramAirHu) consolidation.Add(result.Ct.Voxels[v]); }
            else if (input.Voxels[v] < -700) glass.Add(result.Ct.Voxels[v]);
        }
        double fraction = lung == 0 ? 0 : (double)lesion / lung;
        return new LesionCheckReport(outside, Median(glass), Median(consolidation), fraction - result.Statistics.RequestedFraction);
    }

    private static double Median(List<float> values)
    {
        if (values.Count == 0) return double.NaN;
        values.Sort();
        return values[values.Count / 2];
    }
}
