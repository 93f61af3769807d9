using System.CommandLine;
using NativeSeg.Cli.Outputs;
using NativeSeg.Simulation.Datasets;
using NativeSeg.Simulation.Lesions;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg build-dataset`: the project's training set from ../shared/data, with its manifest.</summary>
public static class BuildDatasetCommand
{
    public static Command Create()
    {
        var shared = new Option<string>("--shared") { Description = "The shared data folder (with lctsc/).", DefaultValueFactory = _ => "../shared/data" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder; manifest.json is written there.", Required = true };
        var cases = new Option<string[]>("--cases") { Description = "LCTSC cases to use (default: all), e.g. Case_000 Case_005.", AllowMultipleArgumentsPerToken = true };
        var severities = new Option<string[]>("--severities") { Description = "Simulated severities (default: mild moderate severe).", AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<ulong[]>("--seeds") { Description = "Lesion seeds per severity (default: 1 2).", AllowMultipleArgumentsPerToken = true };
        var phantoms = new Option<int>("--phantoms") { Description = "Normal phantoms.", DefaultValueFactory = _ => 4 };
        var covidPhantoms = new Option<int>("--covid-phantoms") { Description = "Phantoms with COVID-19.", DefaultValueFactory = _ => 4 };
        var testPatients = new Option<string[]>("--test-patients") { Description = "Patients whose cases get split 'test'.", AllowMultipleArgumentsPerToken = true };
        var hard = new Option<int>("--hard-cases") { Description = "Hard COVID-19 versions per real case (dense pleural consolidation up to 60 % of the lung, air bronchograms, effusions).", DefaultValueFactory = _ => 0 };
        var hardSeed = new Option<ulong>("--hard-seed") { Description = "Seed of the hard cases.", DefaultValueFactory = _ => 1 };
        var effusions = new Option<double>("--effusion-share") { Description = "Share (0-1) of the training patients' simulated versions that also get a small dependent pleural effusion (4-15 mm), removed from their lung mask.", DefaultValueFactory = _ => 0 };
        var cip = new Option<bool>("--include-cip") { Description = "Add the Chest Imaging Platform CT (cip/ct-64) as a real patient." };
        var noPreviews = new Option<bool>("--no-previews") { Description = "Skip the PNG previews." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Regenerate files that exist." };
        var command = new Command("build-dataset", "Build the training set: LCTSC cases, their simulated COVID-19 versions, and phantoms, with a manifest.")
        {
            shared, output, cases, severities, seeds, phantoms, covidPhantoms, testPatients, hard, hardSeed, effusions, cip, noPreviews, overwrite,
        };
        command.SetAction(result => CommandRunner.Run(_ =>
        {
            var options = new TrainingSetOptions
            {
                NormalPhantoms = result.GetValue(phantoms),
                CovidPhantoms = result.GetValue(covidPhantoms),
                TestPatients = result.GetValue(testPatients) ?? [],
                HardCasesPerPatient = result.GetValue(hard),
                HardCaseSeed = result.GetValue(hardSeed),
                EffusionShare = result.GetValue(effusions) is var share && share >= 0 && share <= 1
                    ? share : throw new UsageException($"--effusion-share must be between 0 and 1, not {share}."),
                IncludeCip = result.GetValue(cip),
                Previews = !result.GetValue(noPreviews),
                Overwrite = result.GetValue(overwrite),
                Log = Console.WriteLine,
            };
            if (result.GetValue(cases) is { Length: > 0 } chosen) options = options with { Cases = chosen };
            if (result.GetValue(seeds) is { Length: > 0 } chosenSeeds) options = options with { Seeds = chosenSeeds };
            if (result.GetValue(severities) is { Length: > 0 } chosenSeverities)
                options = options with { Severities = [.. chosenSeverities.Select(ParseSeverity)] };
            // The real data is read in place: no output may land inside it.
            using var outputs = new OutputSet().Read(result.GetValue(shared));
            outputs.FolderInPlace(result.GetValue(output)!, "--out", "manifest.json");
            var manifest = TrainingSetBuilder.Build(result.GetValue(shared)!, result.GetValue(output)!, options);
            Console.WriteLine($"manifest: {Path.Combine(result.GetValue(output)!, "manifest.json")} ({manifest.Cases.Count} cases)");
            return ExitCodes.Success;
        }, CommandContext.Cancellation));
        return command;
    }

    private static Severity ParseSeverity(string text) =>
        SeverityExtensions.TryParse(text, out var severity) ? severity : throw new UsageException($"unknown severity '{text}'; use mild, moderate or severe.");
}
