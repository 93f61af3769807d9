using System.Buffers.Binary;

namespace NativeSeg.Model.Export;

/// <summary>One NodeProto attribute: an int, a list of ints, a float or a string.</summary>
internal sealed record OnnxAttribute(string Name, OnnxSchema.AttributeType Type, long Int = 0, long[]? Ints = null, float Float = 0, string? Text = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, OnnxSchema.AttributeType.Int, Int: value);
    public static OnnxAttribute Of(string name, params long[] values) => new(name, OnnxSchema.AttributeType.Ints, Ints: values);
    public static OnnxAttribute Of(string name, float value) => new(name, OnnxSchema.AttributeType.Float, Float: value);
    public static OnnxAttribute Of(string name, string value) => new(name, OnnxSchema.AttributeType.String, Text: value);

    public void WriteTo(ProtobufWriter writer)
    {
        writer.WriteString(OnnxSchema.Attribute.Name, Name);
        writer.WriteInt64(OnnxSchema.Attribute.Type, (long)Type);
        switch (Type)
        {
            case OnnxSchema.AttributeType.Int: writer.WriteInt64(OnnxSchema.Attribute.I, Int); break;
            case OnnxSchema.AttributeType.Ints: writer.WriteRepeatedInt64(OnnxSchema.Attribute.Ints, Ints!); break;
            case OnnxSchema.AttributeType.Float: writer.WriteFloat(OnnxSchema.Attribute.F, Float); break;
            case OnnxSchema.AttributeType.String: writer.WriteString(OnnxSchema.Attribute.S, Text!); break;
            default: throw new InvalidOperationException($"Attribute type {Type} is not written by this exporter.");
        }
    }
}

/// <summary>A graph input or output dimension: a fixed size, or a symbolic name such as "N" for a dynamic batch.</summary>
internal readonly record struct OnnxDimension(long Value, string? Parameter = null)
{
    public static OnnxDimension Symbolic(string name) => new(0, name);

    public static implicit operator OnnxDimension(long value) => new(value);
}

/// <summary>
/// Collects an ONNX graph (nodes in execution order, named initializers, typed float inputs and outputs) and
/// serialises it as a ModelProto of the default ("ai.onnx") operator set. Names must be unique across values.
/// </summary>
internal sealed class OnnxGraphBuilder(string name)
{
    private readonly List<ProtobufWriter> _nodes = [];
    private readonly List<ProtobufWriter> _initializers = [];
    private readonly List<ProtobufWriter> _inputs = [];
    private readonly List<ProtobufWriter> _outputs = [];
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>Adds a node with a single output named after the node; returns that output's name.</summary>
    public string AddNode(string opType, string nodeName, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        foreach (string input in inputs)
            if (!_values.Contains(input))
                throw new InvalidOperationException($"ONNX node '{nodeName}' ({opType}) reads '{input}', which no earlier node, input or initializer defines.");
        Declare(nodeName);
        var node = new ProtobufWriter();
        foreach (string input in inputs)
            node.WriteString(OnnxSchema.Node.Input, input);
        node.WriteString(OnnxSchema.Node.Output, nodeName);
        node.WriteString(OnnxSchema.Node.Name, nodeName);
        node.WriteString(OnnxSchema.Node.OpType, opType);
        foreach (var attribute in attributes)
        {
            var attributeWriter = new ProtobufWriter();
            attribute.WriteTo(attributeWriter);
            node.WriteMessage(OnnxSchema.Node.Attribute, attributeWriter);
        }
        _nodes.Add(node);
        return nodeName;
    }

    /// <summary>A float32 constant, stored as little-endian raw_data.</summary>
    public string AddInitializer(string tensorName, ReadOnlySpan<long> dims, ReadOnlySpan<float> values)
    {
        CheckElementCount(tensorName, dims, values.Length);
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        return AddRawInitializer(tensorName, dims, OnnxSchema.DataType.Float, raw);
    }

    /// <summary>An int64 constant (for example Pad's pads input), stored as little-endian raw_data.</summary>
    public string AddInitializer(string tensorName, ReadOnlySpan<long> dims, ReadOnlySpan<long> values)
    {
        CheckElementCount(tensorName, dims, values.Length);
        var raw = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        return AddRawInitializer(tensorName, dims, OnnxSchema.DataType.Int64, raw);
    }

    public string AddInput(string valueName, params OnnxDimension[] dims)
    {
        Declare(valueName);
        _inputs.Add(FloatValueInfo(valueName, dims));
        return valueName;
    }

    /// <summary>Declares an existing value (a node output) as a graph output.</summary>
    public void AddOutput(string valueName, params OnnxDimension[] dims)
    {
        if (!_values.Contains(valueName))
            throw new InvalidOperationException($"ONNX graph output '{valueName}' is not produced by any node.");
        _outputs.Add(FloatValueInfo(valueName, dims));
    }

    /// <summary>The serialised ModelProto: IR version, opset import, producer, doc string, this graph and the
    /// metadata_props (key/value strings that ONNX Runtime returns as the model's custom metadata).</summary>
    public byte[] BuildModel(string producerName, string producerVersion, string docString, IReadOnlyDictionary<string, string>? metadataProps = null)
    {
        var graph = new ProtobufWriter();
        foreach (var node in _nodes) graph.WriteMessage(OnnxSchema.Graph.Node, node);
        graph.WriteString(OnnxSchema.Graph.Name, Name);
        foreach (var initializer in _initializers) graph.WriteMessage(OnnxSchema.Graph.Initializer, initializer);
        graph.WriteString(OnnxSchema.Graph.DocString, docString);
        foreach (var input in _inputs) graph.WriteMessage(OnnxSchema.Graph.Input, input);
        foreach (var output in _outputs) graph.WriteMessage(OnnxSchema.Graph.Output, output);

        var opset = new ProtobufWriter();
        opset.WriteString(OnnxSchema.OperatorSetId.Domain, "");
        opset.WriteInt64(OnnxSchema.OperatorSetId.Version, OnnxSchema.OperatorSetVersion);

        var model = new ProtobufWriter();
        model.WriteInt64(OnnxSchema.Model.IrVersion, OnnxSchema.IrVersion);
        model.WriteString(OnnxSchema.Model.ProducerName, producerName);
        model.WriteString(OnnxSchema.Model.ProducerVersion, producerVersion);
        model.WriteString(OnnxSchema.Model.DocString, docString);
        model.WriteMessage(OnnxSchema.Model.Graph, graph);
        model.WriteMessage(OnnxSchema.Model.OpsetImport, opset);
        foreach (var (key, value) in metadataProps ?? new Dictionary<string, string>())
        {
            var entry = new ProtobufWriter();
            entry.WriteString(OnnxSchema.StringStringEntry.Key, key);
            entry.WriteString(OnnxSchema.StringStringEntry.Value, value);
            model.WriteMessage(OnnxSchema.Model.MetadataProps, entry);
        }
        return model.ToArray();
    }

    private string AddRawInitializer(string tensorName, ReadOnlySpan<long> dims, OnnxSchema.DataType type, byte[] raw)
    {
        Declare(tensorName);
        var tensor = new ProtobufWriter();
        tensor.WriteRepeatedInt64(OnnxSchema.Tensor.Dims, dims);
        tensor.WriteInt64(OnnxSchema.Tensor.DataType, (long)type);
        tensor.WriteString(OnnxSchema.Tensor.Name, tensorName);
        tensor.WriteBytes(OnnxSchema.Tensor.RawData, raw);
        _initializers.Add(tensor);
        return tensorName;
    }

    private static ProtobufWriter FloatValueInfo(string valueName, OnnxDimension[] dims)
    {
        var shape = new ProtobufWriter();
        foreach (var dim in dims)
        {
            var dimension = new ProtobufWriter();
            if (dim.Parameter is { } parameter)
                dimension.WriteString(OnnxSchema.Shape.DimensionParameter, parameter);
            else
                dimension.WriteInt64(OnnxSchema.Shape.DimensionValue, dim.Value);
            shape.WriteMessage(OnnxSchema.Shape.Dimension, dimension);
        }
        var tensorType = new ProtobufWriter();
        tensorType.WriteInt64(OnnxSchema.Type.ElementType, (long)OnnxSchema.DataType.Float);
        tensorType.WriteMessage(OnnxSchema.Type.Shape, shape);
        var type = new ProtobufWriter();
        type.WriteMessage(OnnxSchema.Type.TensorType, tensorType);
        var info = new ProtobufWriter();
        info.WriteString(OnnxSchema.ValueInfo.Name, valueName);
        info.WriteMessage(OnnxSchema.ValueInfo.Type, type);
        return info;
    }

    private void Declare(string valueName)
    {
        if (!_values.Add(valueName))
            throw new InvalidOperationException($"ONNX value name '{valueName}' is defined twice.");
    }

    private static void CheckElementCount(string tensorName, ReadOnlySpan<long> dims, int count)
    {
        long expected = 1;
        foreach (long dim in dims) expected *= dim;
        if (expected != count)
            throw new ArgumentException($"ONNX initializer '{tensorName}' has {count} values for shape [{string.Join(", ", dims.ToArray())}].");
    }
}
