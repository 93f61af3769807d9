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
/// block, fully unrolled so that the 16 rows stay in registers, with the 8 index vectors built once (static readonly:
/// the JIT embeds them as constants).
/// </summary>
internal static class Transpose16x16
{
    private static readonly Vector512<int> Low8 = Indices(8, low: true), High8 = Indices(8, low: false);
    private static readonly Vector512<int> Low4 = Indices(4, low: true), High4 = Indices(4, low: false);
    private static readonly Vector512<int> Low2 = Indices(2, low: true), High2 = Indices(2, low: false);
    private static readonly Vector512<int> Low1 = Indices(1, low: true), High1 = Indices(1, low: false);

    /// <summary>Transposes rows[0..15] in place: 16 loads, 64 permutes in registers, 16 stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void InPlace(Vector512<float>* rows)
    {
        if (!Avx512F.IsSupported)
        {
            Scalar(rows);
            return;
        }
        var r0 = rows[0];
        var r1 = rows[1];
        var r2 = rows[2];
        var r3 = rows[3];
        var r4 = rows[4];
        var r5 = rows[5];
        var r6 = rows[6];
        var r7 = rows[7];
        var r8 = rows[8];
        var r9 = rows[9];
        var r10 = rows[10];
        var r11 = rows[11];
        var r12 = rows[12];
        var r13 = rows[13];
        var r14 = rows[14];
        var r15 = rows[15];
        // Block size 8: rows r and r + 8 swap their off-diagonal 8×8 blocks.
        (r0, r8) = (Avx512F.PermuteVar16x32x2(r0, Low8, r8), Avx512F.PermuteVar16x32x2(r0, High8, r8));
        (r1, r9) = (Avx512F.PermuteVar16x32x2(r1, Low8, r9), Avx512F.PermuteVar16x32x2(r1, High8, r9));
        (r2, r10) = (Avx512F.PermuteVar16x32x2(r2, Low8, r10), Avx512F.PermuteVar16x32x2(r2, High8, r10));
        (r3, r11) = (Avx512F.PermuteVar16x32x2(r3, Low8, r11), Avx512F.PermuteVar16x32x2(r3, High8, r11));
        (r4, r12) = (Avx512F.PermuteVar16x32x2(r4, Low8, r12), Avx512F.PermuteVar16x32x2(r4, High8, r12));
        (r5, r13) = (Avx512F.PermuteVar16x32x2(r5, Low8, r13), Avx512F.PermuteVar16x32x2(r5, High8, r13));
        (r6, r14) = (Avx512F.PermuteVar16x32x2(r6, Low8, r14), Avx512F.PermuteVar16x32x2(r6, High8, r14));
        (r7, r15) = (Avx512F.PermuteVar16x32x2(r7, Low8, r15), Avx512F.PermuteVar16x32x2(r7, High8, r15));
        // Block size 4: rows r and r + 4 swap their off-diagonal 4×4 blocks.
        (r0, r4) = (Avx512F.PermuteVar16x32x2(r0, Low4, r4), Avx512F.PermuteVar16x32x2(r0, High4, r4));
        (r1, r5) = (Avx512F.PermuteVar16x32x2(r1, Low4, r5), Avx512F.PermuteVar16x32x2(r1, High4, r5));
        (r2, r6) = (Avx512F.PermuteVar16x32x2(r2, Low4, r6), Avx512F.PermuteVar16x32x2(r2, High4, r6));
        (r3, r7) = (Avx512F.PermuteVar16x32x2(r3, Low4, r7), Avx512F.PermuteVar16x32x2(r3, High4, r7));
        (r8, r12) = (Avx512F.PermuteVar16x32x2(r8, Low4, r12), Avx512F.PermuteVar16x32x2(r8, High4, r12));
        (r9, r13) = (Avx512F.PermuteVar16x32x2(r9, Low4, r13), Avx512F.PermuteVar16x32x2(r9, High4, r13));
        (r10, r14) = (Avx512F.PermuteVar16x32x2(r10, Low4, r14), Avx512F.PermuteVar16x32x2(r10, High4, r14));
        (r11, r15) = (Avx512F.PermuteVar16x32x2(r11, Low4, r15), Avx512F.PermuteVar16x32x2(r11, High4, r15));
        // Block size 2: rows r and r + 2 swap their off-diagonal 2×2 blocks.
        (r0, r2) = (Avx512F.PermuteVar16x32x2(r0, Low2, r2), Avx512F.PermuteVar16x32x2(r0, High2, r2));
        (r1, r3) = (Avx512F.PermuteVar16x32x2(r1, Low2, r3), Avx512F.PermuteVar16x32x2(r1, High2, r3));
        (r4, r6) = (Avx512F.PermuteVar16x32x2(r4, Low2, r6), Avx512F.PermuteVar16x32x2(r4, High2, r6));
        (r5, r7) = (Avx512F.PermuteVar16x32x2(r5, Low2, r7), Avx512F.PermuteVar16x32x2(r5, High2, r7));
        (r8, r10) = (Avx512F.PermuteVar16x32x2(r8, Low2, r10), Avx512F.PermuteVar16x32x2(r8, High2, r10));
        (r9, r11) = (Avx512F.PermuteVar16x32x2(r9, Low2, r11), Avx512F.PermuteVar16x32x2(r9, High2, r11));
        (r12, r14) = (Avx512F.PermuteVar16x32x2(r12, Low2, r14), Avx512F.PermuteVar16x32x2(r12, High2, r14));
        (r13, r15) = (Avx512F.PermuteVar16x32x2(r13, Low2, r15), Avx512F.PermuteVar16x32x2(r13, High2, r15));
        // Block size 1: rows r and r + 1 swap their off-diagonal 1×1 blocks.
        (r0, r1) = (Avx512F.PermuteVar16x32x2(r0, Low1, r1), Avx512F.PermuteVar16x32x2(r0, High1, r1));
        (r2, r3) = (Avx512F.PermuteVar16x32x2(r2, Low1, r3), Avx512F.PermuteVar16x32x2(r2, High1, r3));
        (r4, r5) = (Avx512F.PermuteVar16x32x2(r4, Low1, r5), Avx512F.PermuteVar16x32x2(r4, High1, r5));
        (r6, r7) = (Avx512F.PermuteVar16x32x2(r6, Low1, r7), Avx512F.PermuteVar16x32x2(r6, High1, r7));
        (r8, r9) = (Avx512F.PermuteVar16x32x2(r8, Low1, r9), Avx512F.PermuteVar16x32x2(r8, High1, r9));
        (r10, r11) = (Avx512F.PermuteVar16x32x2(r10, Low1, r11), Avx512F.PermuteVar16x32x2(r10, High1, r11));
        (r12, r13) = (Avx512F.PermuteVar16x32x2(r12, Low1, r13), Avx512F.PermuteVar16x32x2(r12, High1, r13));
        (r14, r15) = (Avx512F.PermuteVar16x32x2(r14, Low1, r15), Avx512F.PermuteVar16x32x2(r14, High1, r15));
        rows[0] = r0;
        rows[1] = r1;
        rows[2] = r2;
        rows[3] = r3;
        rows[4] = r4;
        rows[5] = r5;
        rows[6] = r6;
        rows[7] = r7;
        rows[8] = r8;
        rows[9] = r9;
        rows[10] = r10;
        rows[11] = r11;
        rows[12] = r12;
        rows[13] = r13;
        rows[14] = r14;
        rows[15] = r15;
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
