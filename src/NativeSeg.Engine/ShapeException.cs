namespace NativeSeg.Engine;

/// <summary>An operation was called with tensors whose shapes, ranks, backends or settings do not fit together.</summary>
public sealed class ShapeException(string operation, string message) : ArgumentException($"{operation}: {message}")
{
    public string Operation { get; } = operation;
}
