using System.Globalization;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// The smallest training run `train` accepts, for tests of the command rather than of learning: two 32×32×8 phantom
/// patients (P1 and P2, seeds 1 and 2; the validation share holds one out, leaving the other's slices with lung for
/// training), 16×16 windows in batches of 2, seed 1.
/// </summary>
public static class TinyTraining
{
    /// <summary>Makes the two phantoms in <paramref name="folder"/> and returns the path of their manifest, train.json.</summary>
    public static string Manifest(TemporaryFolder folder) =>
        Phantoms.WriteManifest(folder, "train.json",
            [.. Enumerable.Range(1, 2).Select(i => Phantoms.NormalCase($"case_{i}", $"P{i}", Phantoms.Make(folder, $"p{i}", "32x32x8", seed: (ulong)i)))]);

    /// <summary>`train MANIFEST -o OUTPUT` on the CPU with the tiny recipe for <paramref name="epochs"/> epochs; append further options.</summary>
    public static string[] Arguments(string manifest, string output, int epochs = 1) =>
        ["train", manifest, "-o", output, "--device", "cpu", "--window", "16x16", "--batch-size", "2",
            "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--seed", "1"];
}
