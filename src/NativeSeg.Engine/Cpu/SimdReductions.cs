using System.Runtime.Intrinsics;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Sums over float32 data with float64 accuracy at float32 SIMD speed: each block of <see cref="BlockLength"/>
/// values is summed in 16 float32 lanes (so every lane adds at most 64 terms), then the block's lanes are widened to
/// float64 and added to float64 lanes. Single-threaded and in a fixed order: the same data always gives the same bits.
/// </summary>
internal static unsafe class SimdReductions
{
    private const int Lanes = 16;
    private const int BlockLength = 64 * Lanes;

    /// <summary>Σ x.</summary>
    public static double Sum(float* x, int length) => Reduce(new SumTerm(), x, null, 0, length);

    /// <summary>Σ (x − center)².</summary>
    public static double SquaredDeviations(float* x, float center, int length) => Reduce(new SquaredDeviationTerm(), x, null, center, length);

    /// <summary>Σ a·b.</summary>
    public static double Dot(float* a, float* b, int length) => Reduce(new ProductTerm(), a, b, 0, length);

    /// <summary>Σ a·(b − center).</summary>
    public static double CenteredDot(float* a, float* b, float center, int length) => Reduce(new CenteredProductTerm(), a, b, center, length);

    /// <summary>One term of a sum, for 16 lanes and for one element (the tail).</summary>
    private interface ITerm
    {
        Vector512<float> Vector(Vector512<float> a, Vector512<float> b, Vector512<float> center);

        double Scalar(double a, double b, double center);
    }

    // The generic method is specialised per struct, so each term inlines into its own loop.
    private static double Reduce<T>(T term, float* a, float* b, float center, int length) where T : struct, ITerm
    {
        var c = Vector512.Create(center);
        var total = Vector512<double>.Zero;
        int k = 0;
        while (k + Lanes <= length)
        {
            int blockEnd = Math.Min(length, k + BlockLength) - Lanes;
            var block = Vector512<float>.Zero;
            for (; k <= blockEnd; k += Lanes)
                block += term.Vector(Vector512.Load(a + k), b is null ? default : Vector512.Load(b + k), c);
            var (lower, upper) = Vector512.Widen(block);
            total += lower + upper;
        }
        double sum = Vector512.Sum(total);
        for (; k < length; k++) sum += term.Scalar(a[k], b is null ? 0 : b[k], center);
        return sum;
    }

    private readonly struct SumTerm : ITerm
    {
        public Vector512<float> Vector(Vector512<float> a, Vector512<float> b, Vector512<float> center) => a;

        public double Scalar(double a, double b, double center) => a;
    }

    private readonly struct SquaredDeviationTerm : ITerm
    {
        public Vector512<float> Vector(Vector512<float> a, Vector512<float> b, Vector512<float> center)
        {
            var d = a - center;
            return d * d;
        }

        public double Scalar(double a, double b, double center) => (a - center) * (a - center);
    }

    private readonly struct ProductTerm : ITerm
    {
        public Vector512<float> Vector(Vector512<float> a, Vector512<float> b, Vector512<float> center) => a * b;

        public double Scalar(double a, double b, double center) => a * b;
    }

    private readonly struct CenteredProductTerm : ITerm
    {
        public Vector512<float> Vector(Vector512<float> a, Vector512<float> b, Vector512<float> center) => a * (b - center);

        public double Scalar(double a, double b, double center) => a * (b - center);
    }
}
