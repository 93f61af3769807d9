using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// The element-wise stage of the Winograd convolution as one GEMM per tile position:
/// M[tile][o] = Σ_c V[tile][c] · U[c][o], with V [rows × inChannels] (transformed input tiles, rows ldv apart),
/// U [inChannels × outColumns] (transformed kernels, rows ldu apart) and M [rows × outColumns] (rows ldm apart).
///
/// SIMD layout: a <see cref="Vector512{T}"/> holds 16 consecutive output channels of one tile. Per input channel the
/// kernel loads one row of U as 1, 2 or 4 vectors and broadcasts one V value per tile row (vbroadcastss from
/// memory), then does rows × vectors FMAs: the classic register-blocked outer product. Blocks: 6 tiles × 64 channels,
/// 12 × 32 or 12 × 16 (24, 24 and 12 accumulators of AVX-512's 32 registers), chosen so that the loads per FMA stay
/// well under the two load ports' rate (6×64: 10 loads per 24 FMAs; 12×32: 14 per 24).
/// Rows must be a multiple of 12 (the caller zero-fills unused tile rows) and outColumns a multiple of 16.
/// </summary>
internal static unsafe class WinogradTileGemm
{
    /// <summary>Tile rows per call must be a multiple of this.</summary>
    public const int RowBlock = 12;

    public static void Multiply(float* v, int ldv, float* u, int ldu, float* m, int ldm, int rows, int inChannels, int outColumns)
    {
        int column = 0;
        for (; column + 64 <= outColumns; column += 64)
            for (int r = 0; r < rows; r += 6)
                Block6x64(v + (long)r * ldv, ldv, u + column, ldu, m + (long)r * ldm + column, ldm, inChannels);
        for (; column + 32 <= outColumns; column += 32)
            for (int r = 0; r < rows; r += 12)
                Block12x32(v + (long)r * ldv, ldv, u + column, ldu, m + (long)r * ldm + column, ldm, inChannels);
        for (; column < outColumns; column += 16)
            for (int r = 0; r < rows; r += 12)
                Block12x16(v + (long)r * ldv, ldv, u + column, ldu, m + (long)r * ldm + column, ldm, inChannels);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block6x64(float* v, int ldv, float* u, int ldu, float* m, int ldm, int inChannels)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default;
        Vector512<float> a50 = default, a51 = default, a52 = default, a53 = default;
        for (int c = 0; c < inChannels; c++, u += ldu)
        {
            var u0 = Vector512.Load(u);
            var u1 = Vector512.Load(u + 16);
            var u2 = Vector512.Load(u + 32);
            var u3 = Vector512.Load(u + 48);
            // One tile's value of input channel c, broadcast to the 16 lanes, times 64 output channels' kernels.
            var x = Vector512.Create(v[c]);
            a00 = Vector512.FusedMultiplyAdd(x, u0, a00); a01 = Vector512.FusedMultiplyAdd(x, u1, a01);
            a02 = Vector512.FusedMultiplyAdd(x, u2, a02); a03 = Vector512.FusedMultiplyAdd(x, u3, a03);
            x = Vector512.Create(v[ldv + c]);
            a10 = Vector512.FusedMultiplyAdd(x, u0, a10); a11 = Vector512.FusedMultiplyAdd(x, u1, a11);
            a12 = Vector512.FusedMultiplyAdd(x, u2, a12); a13 = Vector512.FusedMultiplyAdd(x, u3, a13);
            x = Vector512.Create(v[2 * ldv + c]);
            a20 = Vector512.FusedMultiplyAdd(x, u0, a20); a21 = Vector512.FusedMultiplyAdd(x, u1, a21);
            a22 = Vector512.FusedMultiplyAdd(x, u2, a22); a23 = Vector512.FusedMultiplyAdd(x, u3, a23);
            x = Vector512.Create(v[3 * ldv + c]);
            a30 = Vector512.FusedMultiplyAdd(x, u0, a30); a31 = Vector512.FusedMultiplyAdd(x, u1, a31);
            a32 = Vector512.FusedMultiplyAdd(x, u2, a32); a33 = Vector512.FusedMultiplyAdd(x, u3, a33);
            x = Vector512.Create(v[4 * ldv + c]);
            a40 = Vector512.FusedMultiplyAdd(x, u0, a40); a41 = Vector512.FusedMultiplyAdd(x, u1, a41);
            a42 = Vector512.FusedMultiplyAdd(x, u2, a42); a43 = Vector512.FusedMultiplyAdd(x, u3, a43);
            x = Vector512.Create(v[5 * ldv + c]);
            a50 = Vector512.FusedMultiplyAdd(x, u0, a50); a51 = Vector512.FusedMultiplyAdd(x, u1, a51);
            a52 = Vector512.FusedMultiplyAdd(x, u2, a52); a53 = Vector512.FusedMultiplyAdd(x, u3, a53);
        }
        a00.Store(m); a01.Store(m + 16); a02.Store(m + 32); a03.Store(m + 48); m += ldm;
        a10.Store(m); a11.Store(m + 16); a12.Store(m + 32); a13.Store(m + 48); m += ldm;
        a20.Store(m); a21.Store(m + 16); a22.Store(m + 32); a23.Store(m + 48); m += ldm;
        a30.Store(m); a31.Store(m + 16); a32.Store(m + 32); a33.Store(m + 48); m += ldm;
        a40.Store(m); a41.Store(m + 16); a42.Store(m + 32); a43.Store(m + 48); m += ldm;
        a50.Store(m); a51.Store(m + 16); a52.Store(m + 32); a53.Store(m + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block12x32(float* v, int ldv, float* u, int ldu, float* m, int ldm, int inChannels)
    {
        Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector512<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        Vector512<float> a60 = default, a61 = default, a70 = default, a71 = default, a80 = default, a81 = default;
        Vector512<float> a90 = default, a91 = default, aA0 = default, aA1 = default, aB0 = default, aB1 = default;
        for (int c = 0; c < inChannels; c++, u += ldu)
        {
            var u0 = Vector512.Load(u);
            var u1 = Vector512.Load(u + 16);
            float* x = v + c;
            var b = Vector512.Create(x[0]);
            a00 = Vector512.FusedMultiplyAdd(b, u0, a00); a01 = Vector512.FusedMultiplyAdd(b, u1, a01);
            b = Vector512.Create(x[ldv]);
            a10 = Vector512.FusedMultiplyAdd(b, u0, a10); a11 = Vector512.FusedMultiplyAdd(b, u1, a11);
            b = Vector512.Create(x[2 * ldv]);
            a20 = Vector512.FusedMultiplyAdd(b, u0, a20); a21 = Vector512.FusedMultiplyAdd(b, u1, a21);
            b = Vector512.Create(x[3 * ldv]);
            a30 = Vector512.FusedMultiplyAdd(b, u0, a30); a31 = Vector512.FusedMultiplyAdd(b, u1, a31);
            b = Vector512.Create(x[4 * ldv]);
            a40 = Vector512.FusedMultiplyAdd(b, u0, a40); a41 = Vector512.FusedMultiplyAdd(b, u1, a41);
            b = Vector512.Create(x[5 * ldv]);
            a50 = Vector512.FusedMultiplyAdd(b, u0, a50); a51 = Vector512.FusedMultiplyAdd(b, u1, a51);
            b = Vector512.Create(x[6 * ldv]);
            a60 = Vector512.FusedMultiplyAdd(b, u0, a60); a61 = Vector512.FusedMultiplyAdd(b, u1, a61);
            b = Vector512.Create(x[7 * ldv]);
            a70 = Vector512.FusedMultiplyAdd(b, u0, a70); a71 = Vector512.FusedMultiplyAdd(b, u1, a71);
            b = Vector512.Create(x[8 * ldv]);
            a80 = Vector512.FusedMultiplyAdd(b, u0, a80); a81 = Vector512.FusedMultiplyAdd(b, u1, a81);
            b = Vector512.Create(x[9 * ldv]);
            a90 = Vector512.FusedMultiplyAdd(b, u0, a90); a91 = Vector512.FusedMultiplyAdd(b, u1, a91);
            b = Vector512.Create(x[10 * ldv]);
            aA0 = Vector512.FusedMultiplyAdd(b, u0, aA0); aA1 = Vector512.FusedMultiplyAdd(b, u1, aA1);
            b = Vector512.Create(x[11 * ldv]);
            aB0 = Vector512.FusedMultiplyAdd(b, u0, aB0); aB1 = Vector512.FusedMultiplyAdd(b, u1, aB1);
        }
        a00.Store(m); a01.Store(m + 16); m += ldm;
        a10.Store(m); a11.Store(m + 16); m += ldm;
        a20.Store(m); a21.Store(m + 16); m += ldm;
        a30.Store(m); a31.Store(m + 16); m += ldm;
        a40.Store(m); a41.Store(m + 16); m += ldm;
        a50.Store(m); a51.Store(m + 16); m += ldm;
        a60.Store(m); a61.Store(m + 16); m += ldm;
        a70.Store(m); a71.Store(m + 16); m += ldm;
        a80.Store(m); a81.Store(m + 16); m += ldm;
        a90.Store(m); a91.Store(m + 16); m += ldm;
        aA0.Store(m); aA1.Store(m + 16); m += ldm;
        aB0.Store(m); aB1.Store(m + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block12x16(float* v, int ldv, float* u, int ldu, float* m, int ldm, int inChannels)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, aA = default, aB = default;
        for (int c = 0; c < inChannels; c++, u += ldu)
        {
            var u0 = Vector512.Load(u);
            float* x = v + c;
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[0]), u0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(x[ldv]), u0, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(x[2 * ldv]), u0, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(x[3 * ldv]), u0, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(x[4 * ldv]), u0, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(x[5 * ldv]), u0, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(x[6 * ldv]), u0, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(x[7 * ldv]), u0, a7);
            a8 = Vector512.FusedMultiplyAdd(Vector512.Create(x[8 * ldv]), u0, a8);
            a9 = Vector512.FusedMultiplyAdd(Vector512.Create(x[9 * ldv]), u0, a9);
            aA = Vector512.FusedMultiplyAdd(Vector512.Create(x[10 * ldv]), u0, aA);
            aB = Vector512.FusedMultiplyAdd(Vector512.Create(x[11 * ldv]), u0, aB);
        }
        a0.Store(m); m += ldm; a1.Store(m); m += ldm; a2.Store(m); m += ldm; a3.Store(m); m += ldm;
        a4.Store(m); m += ldm; a5.Store(m); m += ldm; a6.Store(m); m += ldm; a7.Store(m); m += ldm;
        a8.Store(m); m += ldm; a9.Store(m); m += ldm; aA.Store(m); m += ldm; aB.Store(m);
    }
}
