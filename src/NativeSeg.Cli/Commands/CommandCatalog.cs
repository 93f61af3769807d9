using System.CommandLine;

namespace NativeSeg.Cli.Commands;

/// <summary>Every `nativeseg` subcommand, in the order `--help` lists them.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return SegmentCommand.Create();
        yield return PacsCommand.Create();
        yield return SimulateCommand.Create();
        yield return PhantomCommand.Create();
        yield return BuildDatasetCommand.Create();
        yield return TrainCommand.Create();
        yield return EvaluateCommand.Create();
        yield return ReproduceCommand.Create();
        yield return ExportOnnxCommand.Create();
        yield return AverageWeightsCommand.Create();
        yield return RecalibrateBatchNormCommand.Create();
        yield return SetThresholdCommand.Create();
        yield return AblatePostprocessingCommand.Create();
        yield return ModelCommand.Create();
        yield return CheckCommand.Create();
        yield return BenchCommand.Create();
    }
}
