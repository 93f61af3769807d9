namespace NativeSeg.Evaluation.Statistics;

/// <summary>A test statistic and its P value.</summary>
public readonly record struct TestResult(double Statistic, double PValue)
{
    public static TestResult NotApplicable => new(double.NaN, double.NaN);
}
