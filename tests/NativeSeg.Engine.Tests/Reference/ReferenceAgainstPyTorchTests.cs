using NativeSeg.Engine.Validation;
using System.Text.Json;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

/// <summary>
/// The reference against PyTorch's own float64 values (Fixtures/torch_dice_resize.json, written by
/// Fixtures/make_torch_fixture.py): an oracle independent of this code and of the finite-difference proofs, for
/// the hand-derived Dice-NS gradient and the pixel-centre convention of the resize.
/// </summary>
public sealed class ReferenceAgainstPyTorchTests
{
    private const double Tolerance = 1e-12; // both sides are float64; only summation order differs

    private static JsonElement Fixture()
    {
        string path = Path.Combine(RepositoryRoot.Find(), "tests", "NativeSeg.Engine.Tests", "Reference", "Fixtures", "torch_dice_resize.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    [Test]
    public void SoftmaxDiceNs_LossAndGradientMatchPyTorch()
    {
        var fixture = Fixture();
        float epsilon = (float)fixture.GetProperty("epsilon").GetDouble();
        using var backend = new ReferenceBackend();
        foreach (var c in fixture.GetProperty("dice").EnumerateArray())
        {
            var shape = new TensorShape(Ints(c, "shape"));
            var probabilities = backend.Allocate(shape);
            var labels = backend.Allocate(shape, Doubles(c, "labels"));
            var losses = backend.Allocate(TensorShape.Vector(shape.N));
            var gradLogits = backend.Allocate(shape);
            backend.SoftmaxForward(backend.Allocate(shape, Doubles(c, "logits")), probabilities);
            backend.DiceNsLossForward(probabilities, labels, epsilon, losses);
            backend.DiceNsLossBackward(probabilities, labels, epsilon, gradLogits);
            ErrorReport.Check($"reference/DiceNsLossForward {shape} vs PyTorch",
                ErrorMeasures.MaxRelativeError(backend.Data(losses), Doubles(c, "sliceLosses")), Tolerance);
            ErrorReport.Check($"reference/DiceNsLossBackward {shape} vs PyTorch",
                ErrorMeasures.MaxRelativeError(backend.Data(gradLogits), Doubles(c, "gradLogits")), Tolerance);
        }
    }

    [Test]
    public void ResizeBilinear_ForwardAndBackwardMatchPyTorch()
    {
        using var backend = new ReferenceBackend();
        foreach (var c in Fixture().GetProperty("resize").EnumerateArray())
        {
            var inputShape = new TensorShape(Ints(c, "inputShape"));
            var size = Ints(c, "outputSize");
            var outputShape = TensorShape.Nchw(inputShape.N, inputShape.C, size[0], size[1]);
            var output = backend.Allocate(outputShape);
            var gradInput = backend.Allocate(inputShape);
            backend.ResizeBilinearForward(backend.Allocate(inputShape, Doubles(c, "input")), output);
            backend.ResizeBilinearBackward(backend.Allocate(outputShape, Doubles(c, "gradOutput")), gradInput);
            string label = $"{inputShape.H}x{inputShape.W}->{size[0]}x{size[1]}";
            ErrorReport.Check($"reference/ResizeBilinearForward {label} vs PyTorch",
                ErrorMeasures.MaxRelativeError(backend.Data(output), Doubles(c, "output")), Tolerance);
            ErrorReport.Check($"reference/ResizeBilinearBackward {label} vs PyTorch",
                ErrorMeasures.MaxRelativeError(backend.Data(gradInput), Doubles(c, "gradInput")), Tolerance);
        }
    }

    private static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
