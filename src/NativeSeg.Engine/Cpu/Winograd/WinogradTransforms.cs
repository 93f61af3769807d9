using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// The three transforms of Winograd's minimal filtering algorithm F(4×4, 3×3): a 6×6 input tile d and a 3×3 kernel g
/// give the 4×4 outputs Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A of the correlation Y[i, j] = Σ g[u, v]·d[i + u, j + v], with
/// 36 multiplications per tile instead of 144 (4× fewer).
///
/// Interpolation points 0, 1, −1, 2, −2 and ∞ (the matrices of Lavin and Gray, "Fast Algorithms for Convolutional
/// Neural Networks", 2016, and of wincnn): the smallest-magnitude integer points, so Bᵀ and Aᵀ have small integer
/// entries (|entry| ≤ 8), G only the fractions 1/4, 1/6, 1/12, 1/24. Each 1-D pass is then a handful of adds and
/// FMAs by 2, 4, 5 and 8 (multiplying by a power of two is exact). Points ±½ in place of ±2 are a known alternative
/// with smaller entries in Aᵀ; they were not tried here because the integer set already meets the error budget:
/// measured float32 error against float64 about 5e-6 relative per layer, 10× the direct loop's (benchmarks/RESULTS.md,
/// "Winograd F(4×4, 3×3) inference convolutions on cpu", Numerics). F(6×6, 3×3) would cut the multiplications by a
/// further 1.27× at roughly 10× the error; not built.
///
///        ⎡ 4   0  −5   0   1   0 ⎤         ⎡  1/4     0     0  ⎤        ⎡ 1   1   1   1   1   0 ⎤
///        ⎢ 0  −4  −4   1   1   0 ⎥         ⎢ −1/6  −1/6  −1/6  ⎥   Aᵀ = ⎢ 0   1  −1   2  −2   0 ⎥
///   Bᵀ = ⎢ 0   4  −4  −1   1   0 ⎥     G = ⎢ −1/6   1/6  −1/6  ⎥        ⎢ 0   1   1   4   4   0 ⎥
///        ⎢ 0  −2  −1   2   1   0 ⎥         ⎢ 1/24  1/12   1/6  ⎥        ⎣ 0   1  −1   8  −8   1 ⎦
///        ⎢ 0   2  −1  −2   1   0 ⎥         ⎢ 1/24 −1/12   1/6  ⎥
///        ⎣ 0   4   0  −5   0   1 ⎦         ⎣   0     0     1   ⎦
///
/// The 2-D transforms are the 1-D ones applied to the columns, then to the rows. The input and output transforms run
/// on <see cref="Vector512{T}"/> values that hold 16 channels of one tile position, so one call transforms 16 channels
/// at once and no lane ever mixes channels. The kernel transform runs once per layer, in float64.
/// </summary>
internal static class WinogradTransforms
{
    /// <summary>Outputs per tile side (m of F(m×m, 3×3)).</summary>
    public const int OutputTile = 4;

    /// <summary>Inputs per tile side: m + 3 − 1.</summary>
    public const int InputTile = 6;

    /// <summary>Positions of the transformed tile: one batched GEMM each.</summary>
    public const int Positions = InputTile * InputTile;

    /// <summary>G, the kernel transform (6×3).</summary>
    private static readonly double[,] KernelMatrix =
    {
        { 1.0 / 4, 0, 0 },
        { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
        { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
        { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
        { 0, 0, 1 },
    };

    /// <summary>
    /// z = Bᵀ x for six vectors (one column or row of the input tile), in place. Shared subexpressions: rows 1/2 are
    /// (x4 − 4x2) ± (x3 − 4x1), rows 3/4 are (x4 − x2) ± 2(x3 − x1); 12 adds/FMAs instead of 20.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input(ref Vector512<float> x0, ref Vector512<float> x1, ref Vector512<float> x2,
        ref Vector512<float> x3, ref Vector512<float> x4, ref Vector512<float> x5)
    {
        var four = Vector512.Create(4f);
        var five = Vector512.Create(5f);
        var two = Vector512.Create(2f);
        var a = Vector512.FusedMultiplyAdd(-four, x2, x4);     // x4 − 4·x2
        var b = Vector512.FusedMultiplyAdd(-four, x1, x3);     // x3 − 4·x1
        var c = x4 - x2;
        var e = x3 - x1;
        var z0 = Vector512.FusedMultiplyAdd(four, x0, Vector512.FusedMultiplyAdd(-five, x2, x4));
        var z5 = Vector512.FusedMultiplyAdd(four, x1, Vector512.FusedMultiplyAdd(-five, x3, x5));
        x0 = z0;
        x1 = a + b;
        x2 = a - b;
        x3 = Vector512.FusedMultiplyAdd(two, e, c);
        x4 = Vector512.FusedMultiplyAdd(-two, e, c);
        x5 = z5;
    }

    /// <summary>
    /// (y0..y3) = Aᵀ m for six vectors: y0 = m0 + s12 + s34, y1 = d12 + 2·d34, y2 = s12 + 4·s34, y3 = d12 + 8·d34 + m5
    /// with s12 = m1 + m2, d12 = m1 − m2, s34 = m3 + m4, d34 = m3 − m4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3,
        Vector512<float> m4, Vector512<float> m5,
        out Vector512<float> y0, out Vector512<float> y1, out Vector512<float> y2, out Vector512<float> y3)
    {
        var s12 = m1 + m2;
        var d12 = m1 - m2;
        var s34 = m3 + m4;
        var d34 = m3 - m4;
        y0 = m0 + s12 + s34;
        y1 = Vector512.FusedMultiplyAdd(Vector512.Create(2f), d34, d12);
        y2 = Vector512.FusedMultiplyAdd(Vector512.Create(4f), s34, s12);
        y3 = Vector512.FusedMultiplyAdd(Vector512.Create(8f), d34, d12) + m5;
    }

    /// <summary>
    /// z = A m for four vectors (one column or row of an output-gradient tile; A = (Aᵀ)ᵀ is 6×4): the transposed
    /// output transform, used by the weight gradient (<see cref="WinogradWeightGradient"/>). z0 = m0, z5 = m3,
    /// z1/z2 = (m0 + m2) ± (m1 + m3), z3/z4 = (m0 + 4·m2) ± (2·m1 + 8·m3).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GradientOutput(Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3,
        out Vector512<float> z0, out Vector512<float> z1, out Vector512<float> z2, out Vector512<float> z3,
        out Vector512<float> z4, out Vector512<float> z5)
    {
        var even = m0 + m2;
        var odd = m1 + m3;
        var evenWeighted = Vector512.FusedMultiplyAdd(Vector512.Create(4f), m2, m0);
        var oddWeighted = Vector512.FusedMultiplyAdd(Vector512.Create(8f), m3, m1 + m1);
        z0 = m0;
        z1 = even + odd;
        z2 = even - odd;
        z3 = evenWeighted + oddWeighted;
        z4 = evenWeighted - oddWeighted;
        z5 = m3;
    }

    /// <summary>
    /// g = Gᵀ Ŵ G for one 6×6 transformed kernel gradient (row-major, 36 values) into the 3×3 kernel gradient
    /// (row-major, 9 values), in float64: the transpose of <see cref="Kernel"/>, as the chain rule demands
    /// (Y = Aᵀ[(G g Gᵀ) ⊙ V]A gives ∂L/∂g = Gᵀ[V ⊙ (A ∂L/∂Y Aᵀ)]G).
    /// </summary>
    public static void KernelGradient(ReadOnlySpan<double> transformed, Span<double> g)
    {
        Span<double> half = stackalloc double[3 * InputTile];   // Gᵀ Ŵ: 3×6
        for (int u = 0; u < 3; u++)
        for (int s = 0; s < InputTile; s++)
        {
            double sum = 0;
            for (int r = 0; r < InputTile; r++) sum += KernelMatrix[r, u] * transformed[r * InputTile + s];
            half[u * InputTile + s] = sum;
        }
        for (int u = 0; u < 3; u++)
        for (int v = 0; v < 3; v++)
        {
            double sum = 0;
            for (int s = 0; s < InputTile; s++) sum += half[u * InputTile + s] * KernelMatrix[s, v];
            g[u * 3 + v] = sum;
        }
    }

    /// <summary>U = G g Gᵀ for one 3×3 kernel (row-major, 9 values), in float64, written row-major into 36 values.</summary>
    public static void Kernel(ReadOnlySpan<double> g, Span<double> u)
    {
        Span<double> half = stackalloc double[InputTile * 3];   // G g: 6×3
        for (int r = 0; r < InputTile; r++)
        for (int v = 0; v < 3; v++)
        {
            double sum = 0;
            for (int k = 0; k < 3; k++) sum += KernelMatrix[r, k] * g[k * 3 + v];
            half[r * 3 + v] = sum;
        }
        for (int r = 0; r < InputTile; r++)
        for (int s = 0; s < InputTile; s++)
        {
            double sum = 0;
            for (int k = 0; k < 3; k++) sum += half[r * 3 + k] * KernelMatrix[s, k];
            u[r * InputTile + s] = sum;
        }
    }
}
