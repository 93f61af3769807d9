using NativeSeg.Engine.Tests.Support;

/// <summary>
/// Assembly-wide (no namespace): after all tests of NativeSeg.Engine.Tests, prints the worst relative error each
/// operation reached to TestContext.Progress.
/// </summary>
[SetUpFixture]
#pragma warning disable CA1050 // NUnit applies a SetUpFixture to the whole assembly only outside any namespace.
public sealed class ErrorReportFixture
#pragma warning restore CA1050
{
    [OneTimeTearDown]
    public void PrintWorstErrors() => ErrorReport.PrintSummary();
}
