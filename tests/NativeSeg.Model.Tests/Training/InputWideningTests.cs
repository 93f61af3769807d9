using NativeSeg.Engine.Cpu;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Training;

/// <summary>
/// A single-slice network widened to see its neighbours (<see cref="InputWidening"/>) computes what it did before,
/// whatever the neighbours hold; the slice context travels in the weights' metadata and a contradictory file is refused.
/// </summary>
public class InputWideningTests
{
    private const int Slices = 3, H = 16, W = 24;
    private const string FirstKernel = "conv_0.conv.weight";
    private static readonly HighResNetConfiguration Wide = new(3, 2);

    [Test]
    public void AWidenedNetworkIgnoresTheNeighboursUntilTrained()
    {
        using var backend = new CpuBackend();
        using var single = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 5);
        var tensors = single.ExportTensors();
        var widenedTensors = InputWidening.Widen(tensors, HighResNetConfiguration.Lung, Wide, "test");
        Assert.That(widenedTensors[FirstKernel], Has.Length.EqualTo(3 * tensors[FirstKernel].Length));
        Assert.That(widenedTensors.Where(p => p.Key != FirstKernel).All(p => ReferenceEquals(p.Value, tensors[p.Key])), Is.True,
            "only the first kernel changes");
        using var widened = new HighResNet2D(backend, new HighResNetConfiguration(3, 2));
        widened.ImportTensors(widenedTensors);

        var (centre, _) = TestNetworks.RandomBatch(Slices, H, W, 21);
        var (neighbours, _) = TestNetworks.RandomBatch(2 * Slices, H, W, 22);
        var threeChannels = new float[Slices * 3 * H * W];
        for (int s = 0; s < Slices; s++)
        {
            centre.AsSpan(s * H * W, H * W).CopyTo(threeChannels.AsSpan(s * 3 * H * W));
            neighbours.AsSpan(2 * s * H * W, 2 * H * W).CopyTo(threeChannels.AsSpan((s * 3 + 1) * H * W));
        }
        var expected = Probabilities(single, centre);
        var actual = Probabilities(widened, threeChannels);
        Assert.That(TestNetworks.RelativeL2(actual, expected), Is.LessThan(1e-6));

        // The kernel's weights for channel 0 are the single-slice ones, output by output; channels 1 and 2 are zero.
        var before = tensors[FirstKernel];
        var after = widenedTensors[FirstKernel];
        for (int o = 0; o < before.Length / 9; o++)
        {
            Assert.That(after.AsSpan(o * 27, 9).ToArray(), Is.EqualTo(before.AsSpan(o * 9, 9).ToArray()), $"output {o}");
            Assert.That(after.AsSpan(o * 27 + 9, 18).ToArray(), Is.All.Zero, $"output {o}");
        }
    }

    [Test]
    public void MomentsWidenLikeTheirKernelAndOtherTensorsStay()
    {
        var moments = new Dictionary<string, float[]>
        {
            [TensorNaming.FirstMomentPrefix + FirstKernel] = Enumerable.Range(1, 16 * 9).Select(i => (float)i).ToArray(),
            [TensorNaming.SecondMomentPrefix + "conv_1.conv.weight"] = [7f],
        };
        var widened = InputWidening.Widen(moments, HighResNetConfiguration.Lung, Wide, "test");
        var first = widened[TensorNaming.FirstMomentPrefix + FirstKernel];
        Assert.That(first, Has.Length.EqualTo(16 * 27));
        Assert.That(first.AsSpan(27, 9).ToArray(), Is.EqualTo(Enumerable.Range(10, 9).Select(i => (float)i).ToArray()));
        Assert.That(first.AsSpan(36, 18).ToArray(), Is.All.Zero);
        Assert.That(widened[TensorNaming.SecondMomentPrefix + "conv_1.conv.weight"], Is.EqualTo(new[] { 7f }));
        Assert.Throws<InvalidInputException>(() => InputWidening.Widen(
            new Dictionary<string, float[]> { [FirstKernel] = new float[10] }, HighResNetConfiguration.Lung, Wide, "odd.safetensors"));
    }

    [Test]
    public void TheSliceContextTravelsInTheWeightsMetadata()
    {
        using var backend = new CpuBackend();
        string folder = Directory.CreateTempSubdirectory("nativeseg-context-").FullName;
        try
        {
            string withContext = Path.Combine(folder, "context.safetensors"), single = Path.Combine(folder, "single.safetensors");
            using (var network = HighResNet2D.CreateInitialised(backend, new HighResNetConfiguration(3, 2), 3))
                WeightsFile.Save(withContext, network, new WeightsMetadata { InputChannels = 3, SliceContext = new SliceContext(5) });
            using (var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 3))
                WeightsFile.Save(single, network, new WeightsMetadata());

            using (var segmenter = Segmenter.Load(withContext, backend))
                Assert.That(segmenter.SliceContext, Is.EqualTo(new SliceContext(5)));
            var file = WeightsFile.Load(single);
            Assert.That(file.Metadata.SliceContext.IsEnabled, Is.False);
            Assert.That(file.Metadata.Extra.Keys, Has.None.Contains("slice_context"), "a single-slice file's metadata is what it always was");

            // A file whose metadata promises neighbours to a one-channel network, or an unusable offset, is refused by name.
            string contradictory = Path.Combine(folder, "contradictory.safetensors");
            using (var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 3))
                WeightsFile.Save(contradictory, network, new WeightsMetadata { Extra = new Dictionary<string, string> { ["slice_context_mm"] = "5" } });
            var e = Assert.Throws<InvalidInputException>(() => WeightsFile.Load(contradictory));
            Assert.That(e!.Message, Does.Contain(contradictory).And.Contain("1 input channel"));
            string far = Path.Combine(folder, "far.safetensors");
            using (var network = HighResNet2D.CreateInitialised(backend, new HighResNetConfiguration(3, 2), 3))
                WeightsFile.Save(far, network, new WeightsMetadata { InputChannels = 3, Extra = new Dictionary<string, string> { ["slice_context_mm"] = "50" } });
            e = Assert.Throws<InvalidInputException>(() => WeightsFile.Load(far));
            Assert.That(e!.Message, Does.Contain(far).And.Contain("slice_context_mm"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static float[] Probabilities(HighResNet2D network, float[] input)
    {
        using var segmenter = new Segmenter(network, new WeightsMetadata { InputChannels = network.Configuration.InputChannels });
        return segmenter.PredictProbabilities(input, Slices, H, W);
    }
}
