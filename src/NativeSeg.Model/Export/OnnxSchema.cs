namespace NativeSeg.Model.Export;

/// <summary>
/// The field numbers and enum values of onnx/onnx.proto (proto2, package onnx) that the exporter writes.
/// They are part of ONNX's stable wire format: a field number never changes meaning once released.
/// </summary>
internal static class OnnxSchema
{
    /// <summary>IR version 8 (2021-07-30) is the one that goes with opset 17.</summary>
    public const long IrVersion = 8;

    public const long OperatorSetVersion = 17;

    public static class Model
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    /// <summary>StringStringEntryProto: one entry of <see cref="Model.MetadataProps"/>.</summary>
    public static class StringStringEntry
    {
        public const int Key = 1;
        public const int Value = 2;
    }

    public static class OperatorSetId
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    public static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int DocString = 10;
        public const int Input = 11;
        public const int Output = 12;
    }

    public static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
    }

    public static class Attribute
    {
        public const int Name = 1;
        public const int F = 2;
        public const int I = 3;
        public const int S = 4;
        public const int Floats = 7;
        public const int Ints = 8;
        public const int Type = 20;
    }

    /// <summary>AttributeProto.AttributeType.</summary>
    public enum AttributeType
    {
        Float = 1,
        Int = 2,
        String = 3,
        Floats = 6,
        Ints = 7,
    }

    public static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int Name = 8;
        public const int RawData = 9;
    }

    /// <summary>TensorProto.DataType.</summary>
    public enum DataType
    {
        Float = 1,
        Int64 = 7,
    }

    public static class ValueInfo
    {
        public const int Name = 1;
        public const int Type = 2;
    }

    /// <summary>TypeProto: the tensor_type member of its oneof; TypeProto.Tensor: elem_type and shape.</summary>
    public static class Type
    {
        public const int TensorType = 1;
        public const int ElementType = 1;
        public const int Shape = 2;
    }

    /// <summary>TensorShapeProto.dim, and Dimension's oneof: a fixed dim_value or a symbolic dim_param.</summary>
    public static class Shape
    {
        public const int Dimension = 1;
        public const int DimensionValue = 1;
        public const int DimensionParameter = 2;
    }
}
