using System.Globalization;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Cli;

/// <summary>
/// Judges whether a segmentation result can be a chest CT's lungs, so that an abdominal scan or a failed run does
/// not pass as "0 mL" with exit 0. Two rules, deliberately loose (they flag failures, not small patients):
/// <list type="bullet">
/// <item>"no lung found": less than <see cref="NoLungMl"/> in total;</item>
/// <item>"lung volume implausible for a chest CT of this extent": less than <see cref="MinimumMlPerCm"/> mL per cm of
/// the scanned extent along z (counted up to <see cref="LungHeightCm"/> cm, the height of adult lungs). Adult lungs
/// hold 150–250 mL per cm of their height (2.5–6.5 L over about 25 cm) and a 6-year-old's about 60, so a full chest
/// CT under 450 mL, or a 5 cm slab through the chest under 75 mL, is almost surely a failure or not a chest.</item>
/// </list>
/// </summary>
public static class LungPlausibility
{
    public const double NoLungMl = 10;
    public const double MinimumMlPerCm = 15;
    public const double LungHeightCm = 30;

    public static IReadOnlyList<string> Judge(double lungVolumeMl, Grid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var c = CultureInfo.InvariantCulture;
        if (lungVolumeMl < NoLungMl)
            return [string.Create(c, $"no lung found ({lungVolumeMl:F0} mL of lung): is this a chest CT?")];
        double extentCm = grid.SizeZ * grid.Affine.Spacing(2) / 10;
        double minimum = MinimumMlPerCm * Math.Min(extentCm, LungHeightCm);
        if (lungVolumeMl < minimum)
            return [string.Create(c, $"lung volume implausible for a chest CT of this extent: {lungVolumeMl:F0} mL over {extentCm:F1} cm along z (expected at least {minimum:F0} mL)")];
        return [];
    }
}
