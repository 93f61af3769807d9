using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// The GEMM of the weight gradients, c[o][i] += Σ_t dy[t][o] · x[t][i], whose inner dimension is a run of rows
/// (Winograd tiles for <see cref="WinogradWeightGradient"/>, pixels for <see cref="PointwiseConvolutionBackward"/>),
/// as register-blocked outer products, and the float32 → float64 flush that keeps its sums short.
/// </summary>
[SkipLocalsInit]
internal static unsafe class OuterProductGemm
{
    /// <summary>partial += sums (float32 → float64), and the sums start again from zero.</summary>
    public static void FlushInto(float* sums, double* partial, long length)
    {
        for (long k = 0; k < length; k += 16)
        {
            var value = Vector512.Load(sums + k);
            var (low, high) = Vector512.Widen(value);
            (Vector512.Load(partial + k) + low).Store(partial + k);
            (Vector512.Load(partial + k + 8) + high).Store(partial + k + 8);
        }
        new Span<float>(sums, checked((int)length)).Clear();
    }

    /// <summary>
    /// c[o][i] += Σ_t dy[t][o] · x[t][i] for o &lt; outRows (a multiple of 8), i &lt; inColumns (a multiple of 16):
    /// the outer-product form of a GEMM whose inner dimension is the rows t. A vector holds 16 input channels; one
    /// gradient value per output channel is broadcast. Blocks 4 × 64 (16 accumulators, 4 loads and 4 broadcasts per
    /// 16 FMAs), 8 × 32 or 8 × 16 where the input channels are fewer.
    /// </summary>
    public static void Accumulate(float* dy, int ldy, float* x, int ldx, float* c, int ldc, int tiles, int outRows, int inColumns)
    {
        int column = 0;
        for (; column + 64 <= inColumns; column += 64)
            for (int o = 0; o < outRows; o += 4)
                Block4x64(dy + o, ldy, x + column, ldx, c + (long)o * ldc + column, ldc, tiles);
        for (; column + 32 <= inColumns; column += 32)
            for (int o = 0; o < outRows; o += 8)
                Block8x32(dy + o, ldy, x + column, ldx, c + (long)o * ldc + column, ldc, tiles);
        for (; column < inColumns; column += 16)
            for (int o = 0; o < outRows; o += 8)
                Block8x16(dy + o, ldy, x + column, ldx, c + (long)o * ldc + column, ldc, tiles);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x64(float* dy, int ldy, float* x, int ldx, float* c, int ldc, int tiles)
    {
        float* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        var a00 = Vector512.Load(c); var a01 = Vector512.Load(c + 16); var a02 = Vector512.Load(c + 32); var a03 = Vector512.Load(c + 48);
        var a10 = Vector512.Load(c1); var a11 = Vector512.Load(c1 + 16); var a12 = Vector512.Load(c1 + 32); var a13 = Vector512.Load(c1 + 48);
        var a20 = Vector512.Load(c2); var a21 = Vector512.Load(c2 + 16); var a22 = Vector512.Load(c2 + 32); var a23 = Vector512.Load(c2 + 48);
        var a30 = Vector512.Load(c3); var a31 = Vector512.Load(c3 + 16); var a32 = Vector512.Load(c3 + 32); var a33 = Vector512.Load(c3 + 48);
        for (int t = 0; t < tiles; t++, x += ldx, dy += ldy)
        {
            var x0 = Vector512.Load(x);
            var x1 = Vector512.Load(x + 16);
            var x2 = Vector512.Load(x + 32);
            var x3 = Vector512.Load(x + 48);
            // One tile's gradient value of output channel o, broadcast, times 64 input channels' transformed inputs.
            var b = Vector512.Create(dy[0]);
            a00 = Vector512.FusedMultiplyAdd(b, x0, a00); a01 = Vector512.FusedMultiplyAdd(b, x1, a01);
            a02 = Vector512.FusedMultiplyAdd(b, x2, a02); a03 = Vector512.FusedMultiplyAdd(b, x3, a03);
            b = Vector512.Create(dy[1]);
            a10 = Vector512.FusedMultiplyAdd(b, x0, a10); a11 = Vector512.FusedMultiplyAdd(b, x1, a11);
            a12 = Vector512.FusedMultiplyAdd(b, x2, a12); a13 = Vector512.FusedMultiplyAdd(b, x3, a13);
            b = Vector512.Create(dy[2]);
            a20 = Vector512.FusedMultiplyAdd(b, x0, a20); a21 = Vector512.FusedMultiplyAdd(b, x1, a21);
            a22 = Vector512.FusedMultiplyAdd(b, x2, a22); a23 = Vector512.FusedMultiplyAdd(b, x3, a23);
            b = Vector512.Create(dy[3]);
            a30 = Vector512.FusedMultiplyAdd(b, x0, a30); a31 = Vector512.FusedMultiplyAdd(b, x1, a31);
            a32 = Vector512.FusedMultiplyAdd(b, x2, a32); a33 = Vector512.FusedMultiplyAdd(b, x3, a33);
        }
        a00.Store(c); a01.Store(c + 16); a02.Store(c + 32); a03.Store(c + 48);
        a10.Store(c1); a11.Store(c1 + 16); a12.Store(c1 + 32); a13.Store(c1 + 48);
        a20.Store(c2); a21.Store(c2 + 16); a22.Store(c2 + 32); a23.Store(c2 + 48);
        a30.Store(c3); a31.Store(c3 + 16); a32.Store(c3 + 32); a33.Store(c3 + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8x32(float* dy, int ldy, float* x, int ldx, float* c, int ldc, int tiles)
    {
        float* c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        var a00 = Vector512.Load(c); var a01 = Vector512.Load(c + 16); var a10 = Vector512.Load(c1); var a11 = Vector512.Load(c1 + 16);
        var a20 = Vector512.Load(c2); var a21 = Vector512.Load(c2 + 16); var a30 = Vector512.Load(c3); var a31 = Vector512.Load(c3 + 16);
        var a40 = Vector512.Load(c4); var a41 = Vector512.Load(c4 + 16); var a50 = Vector512.Load(c5); var a51 = Vector512.Load(c5 + 16);
        var a60 = Vector512.Load(c6); var a61 = Vector512.Load(c6 + 16); var a70 = Vector512.Load(c7); var a71 = Vector512.Load(c7 + 16);
        for (int t = 0; t < tiles; t++, x += ldx, dy += ldy)
        {
            var x0 = Vector512.Load(x);
            var x1 = Vector512.Load(x + 16);
            var b = Vector512.Create(dy[0]);
            a00 = Vector512.FusedMultiplyAdd(b, x0, a00); a01 = Vector512.FusedMultiplyAdd(b, x1, a01);
            b = Vector512.Create(dy[1]);
            a10 = Vector512.FusedMultiplyAdd(b, x0, a10); a11 = Vector512.FusedMultiplyAdd(b, x1, a11);
            b = Vector512.Create(dy[2]);
            a20 = Vector512.FusedMultiplyAdd(b, x0, a20); a21 = Vector512.FusedMultiplyAdd(b, x1, a21);
            b = Vector512.Create(dy[3]);
            a30 = Vector512.FusedMultiplyAdd(b, x0, a30); a31 = Vector512.FusedMultiplyAdd(b, x1, a31);
            b = Vector512.Create(dy[4]);
            a40 = Vector512.FusedMultiplyAdd(b, x0, a40); a41 = Vector512.FusedMultiplyAdd(b, x1, a41);
            b = Vector512.Create(dy[5]);
            a50 = Vector512.FusedMultiplyAdd(b, x0, a50); a51 = Vector512.FusedMultiplyAdd(b, x1, a51);
            b = Vector512.Create(dy[6]);
            a60 = Vector512.FusedMultiplyAdd(b, x0, a60); a61 = Vector512.FusedMultiplyAdd(b, x1, a61);
            b = Vector512.Create(dy[7]);
            a70 = Vector512.FusedMultiplyAdd(b, x0, a70); a71 = Vector512.FusedMultiplyAdd(b, x1, a71);
        }
        a00.Store(c); a01.Store(c + 16); a10.Store(c1); a11.Store(c1 + 16); a20.Store(c2); a21.Store(c2 + 16);
        a30.Store(c3); a31.Store(c3 + 16); a40.Store(c4); a41.Store(c4 + 16); a50.Store(c5); a51.Store(c5 + 16);
        a60.Store(c6); a61.Store(c6 + 16); a70.Store(c7); a71.Store(c7 + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8x16(float* dy, int ldy, float* x, int ldx, float* c, int ldc, int tiles)
    {
        var a0 = Vector512.Load(c); var a1 = Vector512.Load(c + ldc); var a2 = Vector512.Load(c + 2L * ldc); var a3 = Vector512.Load(c + 3L * ldc);
        var a4 = Vector512.Load(c + 4L * ldc); var a5 = Vector512.Load(c + 5L * ldc); var a6 = Vector512.Load(c + 6L * ldc); var a7 = Vector512.Load(c + 7L * ldc);
        for (int t = 0; t < tiles; t++, x += ldx, dy += ldy)
        {
            var x0 = Vector512.Load(x);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(dy[0]), x0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(dy[1]), x0, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(dy[2]), x0, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(dy[3]), x0, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(dy[4]), x0, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(dy[5]), x0, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(dy[6]), x0, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(dy[7]), x0, a7);
        }
        a0.Store(c); a1.Store(c + ldc); a2.Store(c + 2L * ldc); a3.Store(c + 3L * ldc);
        a4.Store(c + 4L * ldc); a5.Store(c + 5L * ldc); a6.Store(c + 6L * ldc); a7.Store(c + 7L * ldc);
    }
}
