namespace NativeSeg.Engine.Tensors;

/// <summary>
/// The dimensions of a dense, row-major tensor. Images and activations are NCHW (batch, channels, rows, columns);
/// convolution weights are [out channels, in channels, kernel rows, kernel columns]; per-channel vectors are [C].
/// </summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly int[] _dimensions;

    public TensorShape(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length == 0)
            throw new ArgumentException("A tensor shape needs at least one dimension.", nameof(dimensions));
        long length = 1;
        foreach (int d in dimensions)
        {
            if (d <= 0)
                throw new ArgumentException($"Tensor dimensions must be positive, got {Format(dimensions)}.", nameof(dimensions));
            length = checked(length * d);
        }
        if (length > int.MaxValue)
            throw new ArgumentException($"Tensor {Format(dimensions)} has {length} elements, more than one buffer can hold.", nameof(dimensions));
        _dimensions = (int[])dimensions.Clone();
        Length = (int)length;
    }

    public int Rank => _dimensions.Length;

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    public int this[int axis] => _dimensions[axis];

    public ReadOnlySpan<int> Dimensions => _dimensions;

    /// <summary>Batch size of an NCHW tensor.</summary>
    public int N => RankFour(0);

    /// <summary>Channels of an NCHW tensor.</summary>
    public int C => RankFour(1);

    /// <summary>Rows (height) of an NCHW tensor.</summary>
    public int H => RankFour(2);

    /// <summary>Columns (width) of an NCHW tensor.</summary>
    public int W => RankFour(3);

    public static TensorShape Nchw(int n, int c, int h, int w) => new(n, c, h, w);

    public static TensorShape Vector(int length) => new(length);

    public bool Equals(TensorShape? other) => other is not null && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in _dimensions) hash.Add(d);
        return hash.ToHashCode();
    }

    public static bool operator ==(TensorShape? a, TensorShape? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(TensorShape? a, TensorShape? b) => !(a == b);

    public override string ToString() => Format(_dimensions);

    private int RankFour(int axis)
    {
        if (_dimensions.Length != 4)
            throw new InvalidOperationException($"Shape {this} is not NCHW (rank 4).");
        return _dimensions[axis];
    }

    private static string Format(int[] dimensions) => "[" + string.Join(", ", dimensions) + "]";
}
