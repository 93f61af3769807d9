using NativeSeg.Engine.Cpu;
using NativeSeg.IO;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Network;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Inference;

public class SegmenterTests
{
    [Test]
    public void ProbabilitiesAreTheLungSoftmaxAndDoNotDependOnTheBatchSize()
    {
        using var backend = new CpuBackend();
        string path = Path.Combine(Path.GetTempPath(), $"nativeseg-segmenter-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 12))
                WeightsFile.Save(path, network, new WeightsMetadata());
            using var segmenter = Segmenter.Load(path, backend);
            const int slices = 5, h = 8, w = 16;
            var (input, _) = TestNetworks.RandomBatch(slices, h, w, 13);

            var byOne = segmenter.PredictProbabilities(input, slices, h, w, batchSize: 1);
            var byTwo = segmenter.PredictProbabilities(input, slices, h, w, batchSize: 2);
            var progress = new List<int>();
            var byAll = segmenter.PredictProbabilities(input, slices, h, w, batchSize: 8, progress: (done, _) => progress.Add(done));
            Assert.That(byOne.All(p => p is >= 0 and <= 1));
            Assert.That(TestNetworks.RelativeL2(byTwo, byOne), Is.LessThan(1e-6));
            Assert.That(TestNetworks.RelativeL2(byAll, byOne), Is.LessThan(1e-6));
            Assert.That(progress, Is.EqualTo(new[] { 5 }));

            // Against the network run directly: softmax channel 1 of the inference-mode logits.
            var (direct, _) = WeightsFile.LoadNetwork(path, backend);
            using (direct)
            {
                var workspace = direct.GetWorkspace(slices, h, w);
                backend.Upload(input, workspace.Input);
                direct.ForwardInference(workspace);
                var logits = TestNetworks.Download(backend, workspace.Logits);
                var expected = new float[slices * h * w];
                for (int s = 0; s < slices; s++)
                for (int i = 0; i < h * w; i++)
                {
                    double l0 = logits[(s * 2) * h * w + i], l1 = logits[(s * 2 + 1) * h * w + i];
                    expected[s * h * w + i] = (float)(1 / (1 + Math.Exp(l0 - l1)));
                }
                Assert.That(TestNetworks.RelativeL2(byAll, expected), Is.LessThan(1e-5));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AMissingOrBadWeightsFileNamesTheFile()
    {
        using var backend = new CpuBackend();
        string path = Path.Combine(Path.GetTempPath(), $"nativeseg-missing-{Guid.NewGuid():N}.safetensors");
        var e = Assert.Throws<InvalidInputException>(() => Segmenter.Load(path, backend));
        Assert.That(e!.Message, Does.Contain(path));
        Assert.Throws<InvalidInputException>(() => Segmenter.Load(path, "cpu"));
        Assert.Throws<Engine.DeviceUnavailableException>(() => Segmenter.Load(path, "no-such-device"));
    }
}
