using NativeSeg.Model.Network;

namespace NativeSeg.Model.Tests.Network;

public class NetworkSummaryTests
{
    [Test]
    public void LungNetworkHas274132ParametersIn21Convolutions()
    {
        var summary = new NetworkSummary(HighResNetConfiguration.Lung);
        Assert.That(summary.TotalParameters, Is.EqualTo(274_132));
        Assert.That(summary.ConvolutionCount, Is.EqualTo(21));
        Assert.That(summary.ReceptiveField, Is.EqualTo(87));
        // 34.87 GFLOP per 296×216 slice (shared/docs/engineering.md) is 545.4 kFLOP per pixel.
        Assert.That(summary.ForwardFlopsPerPixel * 296 * 216 / 1e9, Is.EqualTo(34.87).Within(0.01));
        string table = summary.ToString();
        Assert.That(table, Does.Contain("274,132"));
        Assert.That(table, Does.Contain("res_3.2 b"));
    }

    [Test]
    public void NetworkTensorsAgreeWithTheSummary()
    {
        using var backend = TestNetworks.Reference();
        using var network = new HighResNet2D(backend, HighResNetConfiguration.Lung);
        Assert.That(network.ParameterCount, Is.EqualTo(274_132));
        Assert.That(network.TrainableTensors, Has.Count.EqualTo(63));
        Assert.That(network.TrainableTensors.Count(t => t.Role == ModelTensorRole.ConvolutionKernel), Is.EqualTo(21));
        Assert.That(network.Tensors, Has.Count.EqualTo(21 + 21 * 4));
        Assert.That(network["conv_0.conv.weight"].Shape.ToString(), Is.EqualTo("[16, 1, 3, 3]"));
        Assert.That(network["res_2.0.bn1.weight"].Shape.ToString(), Is.EqualTo("[16]"));
        Assert.That(network["res_2.0.conv1.weight"].Shape.ToString(), Is.EqualTo("[32, 16, 3, 3]"));
        Assert.That(network["res_3.2.conv2.weight"].Shape.ToString(), Is.EqualTo("[64, 64, 3, 3]"));
        Assert.That(network["conv_2.conv.weight"].Shape.ToString(), Is.EqualTo("[2, 80, 1, 1]"));
        Assert.That(network.Blocks.Select(b => b.Spec.Dilation), Is.EqualTo(new[] { 1, 1, 1, 2, 2, 2, 4, 4, 4 }));
    }

    [Test]
    public void OtherConfigurationsCountTheirOwnParameters()
    {
        // 3 input channels add 2·16·9 kernel weights; 3 classes add 80 weights and one γ, β.
        var summary = new NetworkSummary(new HighResNetConfiguration(3, 3));
        Assert.That(summary.TotalParameters, Is.EqualTo(274_132 + 2 * 16 * 9 + 80 + 2));
    }

    [Test]
    public void HeNormalInitialisationIsSeededAndScaled()
    {
        using var backend = TestNetworks.Reference();
        using var a = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 7);
        using var b = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 7);
        using var c = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 8);
        var wa = a.ExportTensors();
        Assert.That(wa["res_3.1.conv1.weight"], Is.EqualTo(b.ExportTensors()["res_3.1.conv1.weight"]));
        Assert.That(wa["res_3.1.conv1.weight"], Is.Not.EqualTo(c.ExportTensors()["res_3.1.conv1.weight"]));
        var kernel = wa["res_3.1.conv1.weight"];
        double std = Math.Sqrt(kernel.Sum(v => (double)v * v) / kernel.Length);
        Assert.That(std, Is.EqualTo(Math.Sqrt(2.0 / (64 * 9))).Within(3).Percent);
        Assert.That(wa["conv_1.bn.weight"], Is.All.EqualTo(1f));
        Assert.That(wa["conv_1.bn.bias"], Is.All.EqualTo(0f));
        Assert.That(wa["conv_1.bn.running_var"], Is.All.EqualTo(1f));
        Assert.That(wa["conv_1.bn.running_mean"], Is.All.EqualTo(0f));
    }

    [Test]
    public void SpatialSizesMustBeMultiplesOfEight()
    {
        using var backend = TestNetworks.Reference();
        using var network = new HighResNet2D(backend, HighResNetConfiguration.Lung);
        Assert.Throws<ArgumentException>(() => network.GetWorkspace(1, 12, 16));
    }
}
