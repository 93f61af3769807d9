using BenchmarkDotNet.Attributes;
using NativeSeg.Evaluation;
using NativeSeg.Evaluation.Metrics;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Benchmarks.Evaluation;

/// <summary>
/// Evaluating one 512×512×150 case (CT, reference, prediction and probability map): every metric plus the ROC
/// histogram of the body box. Target: under 1 s on the 2-core development machine.
/// Run: dotnet run -c Release --project benchmarks/NativeSeg.Benchmarks -- --filter '*CaseEvaluation*'
/// </summary>
[MemoryDiagnoser]
public class CaseEvaluationBenchmarks
{
    private Volume<float> _ct = null!;
    private Volume<byte> _reference = null!;
    private Volume<byte> _prediction = null!;
    private Volume<float> _probabilities = null!;

    [Params(RocRegion.BodyBoundingBox, RocRegion.WholeVolume)]
    public RocRegion Region { get; set; }

    [GlobalSetup]
    public void Setup() => (_ct, _reference, _prediction, _probabilities) = SyntheticChest.Create(512, 150, seed: 1);

    [Benchmark]
    public double Evaluate() =>
        CaseEvaluator.Evaluate(_ct, _reference, _prediction, _probabilities, new EvaluationOptions { RocRegion = Region }).Metrics.Dice;
}

/// <summary>
/// A synthetic chest for timing: a body ellipse (40 HU) holding two lung ellipses (−850 HU, noisy), the prediction
/// shifted by 2 voxels, the probability map a logistic function of the elliptic distance, CT air elsewhere.
/// </summary>
public static class SyntheticChest
{
    public static (Volume<float> Ct, Volume<byte> Reference, Volume<byte> Prediction, Volume<float> Probabilities) Create(int size, int slices, int seed)
    {
        var grid = new Grid(size, size, slices, Affine.FromSpacing(0.8, 0.8, 2.5));
        var ct = new Volume<float>(grid);
        var reference = new Volume<byte>(grid);
        var prediction = new Volume<byte>(grid);
        var probabilities = new Volume<float>(grid);
        double c = size / 2.0;
        Parallel.For(0, slices, z =>
        {
            var random = new Random(seed + z);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    double bx = (x - c) / (0.45 * size), by = (y - c) / (0.35 * size);
                    double lung = Math.Min(Ellipse(x, y, c - 0.2 * size, c, size), Ellipse(x, y, c + 0.2 * size, c, size));
                    double predicted = Math.Min(Ellipse(x - 2, y, c - 0.2 * size, c, size), Ellipse(x, y, c + 0.2 * size, c, size));
                    int i = grid.Index(x, y, z);
                    ct.Voxels[i] = bx * bx + by * by > 1 ? -1000f : lung <= 1 ? -850f + (float)(random.NextDouble() * 60) : 40f;
                    reference.Voxels[i] = (byte)(lung <= 1 ? 1 : 0);
                    prediction.Voxels[i] = (byte)(predicted <= 1 ? 1 : 0);
                    probabilities.Voxels[i] = (float)(1.0 / (1.0 + Math.Exp(8 * (predicted - 1))));
                }
        });
        return (ct, reference, prediction, probabilities);
    }

    private static double Ellipse(double x, double y, double cx, double cy, int size)
    {
        double dx = (x - cx) / (0.12 * size), dy = (y - cy) / (0.25 * size);
        return dx * dx + dy * dy;
    }
}
