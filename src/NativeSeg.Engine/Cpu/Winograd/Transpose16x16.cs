using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// Transposes a 16×16 float block held in 16 <see cref="Vector512{T}"/> rows, in registers: the bridge between NCHW
/// (16 neighbouring pixels of one channel in a vector) and the Winograd stages' channels-last vectors (16 channels of
/// one pixel). There is no AVX-512 gather/scatter in .NET, and 16 scalar stores per vector cost several times more.
///
/// Method: the recursive block transpose. At block size s = 8, 4, 2, 1, every pair of rows (r, r + s) with bit s of r
/// clear swaps its off-diagonal s×s blocks: new[r][j] = j has bit s ? old[r + s][j − s] : old[r][j], and
/// new[r + s][j] = j has bit s ? old[r + s][j] : old[r][j + s]. Each new row is one two-source permute
/// (vpermt2ps, <see cref="Avx512F.PermuteVar16x32x2"/>, indices ≥ 16 pick from the second source): 64 permutes per
/// block, with the 8 index vectors built once.
/// </summary>
internal static class Transpose16x16
{
    private static readonly Vector512<int>[] Low = [Indices(8, low: true), Indices(4, low: true), Indices(2, low: true), Indices(1, low: true)];
    private static readonly Vector512<int>[] High = [Indices(8, low: false), Indices(4, low: false), Indices(2, low: false), Indices(1, low: false)];

    /// <summary>Transposes rows[0..15] in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void InPlace(Vector512<float>* rows)
    {
        if (!Avx512F.IsSupported)
        {
            Scalar(rows);
            return;
        }
        for (int level = 0, s = 8; s >= 1; level++, s >>= 1)
        {
            var low = Low[level];
            var high = High[level];
            for (int r = 0; r < 16; r++)
            {
                if ((r & s) != 0) continue;
                var a = rows[r];
                var b = rows[r + s];
                rows[r] = Avx512F.PermuteVar16x32x2(a, low, b);
                rows[r + s] = Avx512F.PermuteVar16x32x2(a, high, b);
            }
        }
    }

    private static unsafe void Scalar(Vector512<float>* rows)
    {
        float* m = (float*)rows;
        for (int r = 0; r < 16; r++)
        for (int c = r + 1; c < 16; c++)
            (m[r * 16 + c], m[c * 16 + r]) = (m[c * 16 + r], m[r * 16 + c]);
    }

    /// <summary>The permute indices of the new row r (low) or r + s (high) at block size s.</summary>
    private static Vector512<int> Indices(int s, bool low)
    {
        var index = new int[16];
        for (int j = 0; j < 16; j++)
        {
            bool upperHalf = (j & s) != 0;
            index[j] = low ? (upperHalf ? 16 + j - s : j) : (upperHalf ? 16 + j : j + s);
        }
        return Vector512.Create(index);
    }
}
