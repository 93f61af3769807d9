using System.Globalization;

namespace NativeSeg.Model.Training;

/// <summary>
/// The learning rate of each optimiser step as a function of the run's position, so that a resumed run (which knows
/// its global step and the total number of steps) lands on exactly the rate the uninterrupted run would have used.
/// <list type="bullet">
/// <item><c>constant</c>: the base rate throughout (the paper's recipe).</item>
/// <item><c>cosine[:FLOOR]</c>: a linear warm-up over <see cref="WarmupSteps"/> steps, then half a cosine from the
/// base rate down to FLOOR × base rate (default 0.05) at the last step. Fine-tuning from trained weights benefits
/// most: large early updates would first undo what the weights already know, and the small late rates let the
/// validation Dice settle instead of oscillating between epochs.</item>
/// </list>
/// </summary>
public sealed record LearningRateSchedule
{
    private LearningRateSchedule(string kind, double floorFraction, int warmupSteps)
    {
        Kind = kind;
        FloorFraction = floorFraction;
        WarmupSteps = warmupSteps;
    }

    public static LearningRateSchedule Constant { get; } = new("constant", 1.0, 0);

    public static LearningRateSchedule Cosine(double floorFraction = 0.05, int warmupSteps = 0)
    {
        if (!(floorFraction >= 0 && floorFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(floorFraction), floorFraction, "The cosine floor is a fraction of the base rate, 0 to 1.");
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        return new("cosine", floorFraction, warmupSteps);
    }

    /// <summary>"constant" or "cosine".</summary>
    public string Kind { get; }

    /// <summary>The last step's rate as a fraction of the base rate (1 for constant).</summary>
    public double FloorFraction { get; }

    /// <summary>Steps of linear warm-up from base/warm-up steps to the base rate (cosine only).</summary>
    public int WarmupSteps { get; }

    /// <summary>The rate of step <paramref name="step"/> (1-based, as Adam counts) of <paramref name="totalSteps"/>.</summary>
    public float At(long step, long totalSteps, float baseRate)
    {
        if (Kind == "constant" || totalSteps <= 1) return baseRate;
        step = Math.Clamp(step, 1, totalSteps);
        if (step <= WarmupSteps)
            return (float)(baseRate * step / WarmupSteps);
        long decaySteps = Math.Max(totalSteps - WarmupSteps, 1);
        double progress = (double)(step - WarmupSteps - 1) / Math.Max(decaySteps - 1, 1);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(progress, 1)));
        return (float)(baseRate * (FloorFraction + (1 - FloorFraction) * cosine));
    }

    /// <summary>Parses the CLI form: <c>constant</c>, <c>cosine</c> or <c>cosine:FLOOR</c>.</summary>
    public static LearningRateSchedule Parse(string text, int warmupSteps = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "constant") return Constant;
        if (text == "cosine") return Cosine(warmupSteps: warmupSteps);
        if (text.StartsWith("cosine:", StringComparison.Ordinal)
            && double.TryParse(text.AsSpan(7), NumberStyles.Float, CultureInfo.InvariantCulture, out double floor) && floor >= 0 && floor <= 1)
            return Cosine(floor, warmupSteps);
        throw new FormatException($"'{text}' is not a learning-rate schedule: use constant, cosine or cosine:FLOOR (FLOOR from 0 to 1).");
    }

    public override string ToString() => Kind == "constant" ? "constant"
        : string.Create(CultureInfo.InvariantCulture, $"cosine:{FloorFraction} (warm-up {WarmupSteps} steps)");
}
