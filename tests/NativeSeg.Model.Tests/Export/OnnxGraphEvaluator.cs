namespace NativeSeg.Model.Tests.Export;

/// <summary>
/// A plain float64 interpreter for the few ONNX operators the exporter emits (Conv without bias, inference
/// BatchNormalization, Relu, constant Pad, Add of equal shapes, Softmax), written from the operator specifications and
/// reading only the parsed model. Running it on a tiny input and comparing with the network proves that the exported
/// graph means what the network computes, without ONNX Runtime in the test projects.
/// </summary>
internal sealed class OnnxGraphEvaluator(OnnxModelView model)
{
    private sealed record Value(int[] Shape, double[] Data);

    public (int[] Shape, double[] Data) Run(string inputName, int[] shape, float[] input, string outputName)
    {
        var values = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            [inputName] = new(shape, input.Select(v => (double)v).ToArray()),
        };
        foreach (var (name, tensor) in model.Initializers)
        {
            var dims = tensor.Dims.Select(d => (int)d).ToArray();
            values[name] = tensor.DataType == 1
                ? new Value(dims, tensor.Floats().Select(v => (double)v).ToArray())
                : new Value(dims, tensor.Longs().Select(v => (double)v).ToArray());
        }
        foreach (var node in model.Nodes)
        {
            var inputs = node.Inputs.Select(n => values[n]).ToArray();
            values[node.Outputs.Single()] = node.OpType switch
            {
                "Conv" => Conv(inputs[0], inputs[1], node.Attributes),
                "BatchNormalization" => BatchNorm(inputs, node.Attributes["epsilon"].F),
                "Relu" => new Value(inputs[0].Shape, inputs[0].Data.Select(v => Math.Max(v, 0)).ToArray()),
                "Pad" => Pad(inputs[0], inputs[1].Data.Select(v => (int)v).ToArray()),
                "Add" => Add(inputs[0], inputs[1]),
                "Softmax" => Softmax(inputs[0], (int)node.Attributes["axis"].I),
                _ => throw new NotSupportedException(node.OpType),
            };
        }
        var output = values[outputName];
        return (output.Shape, output.Data);
    }

    private static Value Conv(Value x, Value w, Dictionary<string, ProtobufAttribute> attributes)
    {
        int n = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int cout = w.Shape[0], kh = w.Shape[2], kw = w.Shape[3];
        Assert.That(w.Shape[1], Is.EqualTo(cin), "Conv group must be 1");
        Assert.That(attributes["strides"].Ints, Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(attributes["kernel_shape"].Ints, Is.EqualTo(new long[] { kh, kw }));
        var d = attributes["dilations"].Ints;
        var p = attributes["pads"].Ints; // [top, left, bottom, right]
        int oh = h + (int)(p[0] + p[2]) - (int)d[0] * (kh - 1), ow = wd + (int)(p[1] + p[3]) - (int)d[1] * (kw - 1);
        var y = new double[n * cout * oh * ow];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < cout; o++)
        for (int r = 0; r < oh; r++)
        for (int c = 0; c < ow; c++)
        {
            double sum = 0;
            for (int u = 0; u < kh; u++)
            for (int v = 0; v < kw; v++)
            {
                // Output (r, c) reads input (r − pad_top + u·dilation, c − pad_left + v·dilation); outside is zero.
                int sr = r - (int)p[0] + u * (int)d[0], sc = c - (int)p[1] + v * (int)d[1];
                if (sr < 0 || sr >= h || sc < 0 || sc >= wd) continue;
                for (int i = 0; i < cin; i++)
                    sum += x.Data[((b * cin + i) * h + sr) * wd + sc] * w.Data[((o * cin + i) * kh + u) * kw + v];
            }
            y[((b * cout + o) * oh + r) * ow + c] = sum;
        }
        return new Value([n, cout, oh, ow], y);
    }

    private static Value BatchNorm(Value[] inputs, double epsilon)
    {
        var (x, scale, bias, mean, variance) = (inputs[0], inputs[1], inputs[2], inputs[3], inputs[4]);
        int channels = x.Shape[1], plane = x.Shape[2] * x.Shape[3];
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++)
        {
            int c = i / plane % channels;
            y[i] = (x.Data[i] - mean.Data[c]) / Math.Sqrt(variance.Data[c] + epsilon) * scale.Data[c] + bias.Data[c];
        }
        return new Value(x.Shape, y);
    }

    /// <summary>pads = [begin of each axis..., end of each axis...], constant zero.</summary>
    private static Value Pad(Value x, int[] pads)
    {
        int rank = x.Shape.Length;
        var shape = new int[rank];
        for (int a = 0; a < rank; a++) shape[a] = x.Shape[a] + pads[a] + pads[a + rank];
        var y = new double[shape.Aggregate(1, (p, s) => p * s)];
        var index = new int[rank];
        for (int i = 0; i < x.Data.Length; i++)
        {
            int rest = i;
            for (int a = rank - 1; a >= 0; a--) { index[a] = rest % x.Shape[a]; rest /= x.Shape[a]; }
            int target = 0;
            for (int a = 0; a < rank; a++) target = target * shape[a] + index[a] + pads[a];
            y[target] = x.Data[i];
        }
        return new Value(shape, y);
    }

    private static Value Add(Value a, Value b)
    {
        Assert.That(a.Shape, Is.EqualTo(b.Shape), "Add operands must have equal shapes");
        return new Value(a.Shape, a.Data.Zip(b.Data, (u, v) => u + v).ToArray());
    }

    private static Value Softmax(Value x, int axis)
    {
        Assert.That(axis, Is.EqualTo(1));
        int n = x.Shape[0], classes = x.Shape[1], plane = x.Shape[2] * x.Shape[3];
        var y = new double[x.Data.Length];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < plane; i++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < classes; c++) max = Math.Max(max, x.Data[(b * classes + c) * plane + i]);
            for (int c = 0; c < classes; c++) sum += Math.Exp(x.Data[(b * classes + c) * plane + i] - max);
            for (int c = 0; c < classes; c++) y[(b * classes + c) * plane + i] = Math.Exp(x.Data[(b * classes + c) * plane + i] - max) / sum;
        }
        return new Value(x.Shape, y);
    }
}
