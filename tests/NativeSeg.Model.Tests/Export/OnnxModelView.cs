using System.Buffers.Binary;

namespace NativeSeg.Model.Tests.Export;

/// <summary>
/// The parts of an ONNX ModelProto the tests look at, decoded with <see cref="ProtobufReader"/> using the field
/// numbers of onnx.proto written out here a second time (so a wrong number in the exporter's schema shows up).
/// </summary>
internal sealed class OnnxModelView
{
    public required long IrVersion { get; init; }
    public required List<(string Domain, long Version)> Opsets { get; init; }
    public required string ProducerName { get; init; }
    public required List<OnnxNodeView> Nodes { get; init; }
    public required Dictionary<string, OnnxTensorView> Initializers { get; init; }
    public required List<OnnxValueView> Inputs { get; init; }
    public required List<OnnxValueView> Outputs { get; init; }
    public required string DocString { get; init; }
    public required Dictionary<string, string> MetadataProps { get; init; }

    public static OnnxModelView Parse(byte[] bytes)
    {
        var model = ProtobufReader.Parse(bytes);
        var graph = ProtobufReader.Parse(model.Single(f => f.Number == 7).Payload);
        return new OnnxModelView
        {
            IrVersion = model.Single(f => f.Number == 1).Int64,
            ProducerName = model.Single(f => f.Number == 2).Text,
            Opsets = model.Where(f => f.Number == 8).Select(f =>
            {
                var opset = ProtobufReader.Parse(f.Payload);
                return (opset.FirstOrDefault(o => o.Number == 1)?.Text ?? "", opset.Single(o => o.Number == 2).Int64);
            }).ToList(),
            Nodes = graph.Where(f => f.Number == 1).Select(f => OnnxNodeView.Parse(f.Payload)).ToList(),
            Initializers = graph.Where(f => f.Number == 5).Select(f => OnnxTensorView.Parse(f.Payload)).ToDictionary(t => t.Name),
            Inputs = graph.Where(f => f.Number == 11).Select(f => OnnxValueView.Parse(f.Payload)).ToList(),
            Outputs = graph.Where(f => f.Number == 12).Select(f => OnnxValueView.Parse(f.Payload)).ToList(),
            DocString = model.SingleOrDefault(f => f.Number == 6)?.Text ?? "",
            MetadataProps = model.Where(f => f.Number == 14).Select(f => ProtobufReader.Parse(f.Payload))
                .ToDictionary(e => e.Single(k => k.Number == 1).Text, e => e.Single(v => v.Number == 2).Text),
        };
    }
}

internal sealed record OnnxNodeView(string Name, string OpType, List<string> Inputs, List<string> Outputs, Dictionary<string, ProtobufAttribute> Attributes)
{
    public static OnnxNodeView Parse(byte[] payload)
    {
        var fields = ProtobufReader.Parse(payload);
        return new OnnxNodeView(
            fields.Single(f => f.Number == 3).Text,
            fields.Single(f => f.Number == 4).Text,
            fields.Where(f => f.Number == 1).Select(f => f.Text).ToList(),
            fields.Where(f => f.Number == 2).Select(f => f.Text).ToList(),
            fields.Where(f => f.Number == 5).Select(f => ProtobufAttribute.Parse(f.Payload)).ToDictionary(a => a.Name));
    }
}

/// <summary>AttributeProto: name 1, type 20 (1 FLOAT, 2 INT, 3 STRING, 7 INTS), f 2, i 3, s 4, ints 8.</summary>
internal sealed record ProtobufAttribute(string Name, long Type, float F, long I, string S, List<long> Ints)
{
    public static ProtobufAttribute Parse(byte[] payload)
    {
        var fields = ProtobufReader.Parse(payload);
        return new ProtobufAttribute(
            fields.Single(f => f.Number == 1).Text,
            fields.Single(f => f.Number == 20).Int64,
            fields.SingleOrDefault(f => f.Number == 2)?.Float ?? 0,
            fields.SingleOrDefault(f => f.Number == 3)?.Int64 ?? 0,
            fields.SingleOrDefault(f => f.Number == 4)?.Text ?? "",
            ProtobufReader.Int64s(fields, 8));
    }
}

/// <summary>TensorProto: dims 1, data_type 2 (1 float, 7 int64), name 8, raw_data 9.</summary>
internal sealed record OnnxTensorView(string Name, List<long> Dims, long DataType, byte[] Raw)
{
    public static OnnxTensorView Parse(byte[] payload)
    {
        var fields = ProtobufReader.Parse(payload);
        return new OnnxTensorView(
            fields.Single(f => f.Number == 8).Text,
            ProtobufReader.Int64s(fields, 1),
            fields.Single(f => f.Number == 2).Int64,
            fields.Single(f => f.Number == 9).Payload);
    }

    public float[] Floats()
    {
        Assert.That(DataType, Is.EqualTo(1), $"{Name} is not float");
        var values = new float[Raw.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(Raw.AsSpan(4 * i));
        return values;
    }

    public long[] Longs()
    {
        Assert.That(DataType, Is.EqualTo(7), $"{Name} is not int64");
        var values = new long[Raw.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(Raw.AsSpan(8 * i));
        return values;
    }
}

/// <summary>ValueInfoProto name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2.</summary>
internal sealed record OnnxValueView(string Name, long ElementType, List<string> Dims)
{
    public static OnnxValueView Parse(byte[] payload)
    {
        var fields = ProtobufReader.Parse(payload);
        var type = ProtobufReader.Parse(fields.Single(f => f.Number == 2).Payload);
        var tensor = ProtobufReader.Parse(type.Single(f => f.Number == 1).Payload);
        var shape = ProtobufReader.Parse(tensor.Single(f => f.Number == 2).Payload);
        var dims = shape.Where(f => f.Number == 1).Select(f =>
        {
            var dim = ProtobufReader.Parse(f.Payload).Single();
            return dim.Number == 1 ? dim.Int64.ToString() : dim.Text;
        }).ToList();
        return new OnnxValueView(fields.Single(f => f.Number == 1).Text, tensor.Single(f => f.Number == 1).Int64, dims);
    }
}
