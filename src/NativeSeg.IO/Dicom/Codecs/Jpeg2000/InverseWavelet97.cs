using System.Numerics;

namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The irreversible 9/7 inverse wavelet transform in single precision (T.800 F.3.8.2, Table F.4 lifting
/// coefficients): scale low-pass by K and high-pass by 1/K, then the four lifting steps δ, γ, β, α, with symmetric
/// extension; per level every row, then every column (whole rows at a time).
/// <para>
/// The sub-band gain (×2 per high-pass direction in Δb) is folded into the high-pass scale, 2/K instead of 1/K, with
/// step sizes computed without it (TileLayout): the same arithmetic, and the form OpenJPEG uses. OpenJPEG's 2/K is
/// the historic 1.625732422 (13318 / 8192) rather than 2/1.230174105 = 1.625786; with it, and the same float
/// operations in the same order, our output equals opj_decompress's sample for sample (with the exact 2/K, 0.9% of
/// the samples of a real lossy CT slice came out 1 apart). Tests hold us to OpenJPEG, the decoder DICOM users compare with.
/// </para>
/// </summary>
internal static class InverseWavelet97
{
    private const float Alpha = -1.586134342059924f, Beta = -0.052980118572961f, Gamma = 0.882911075530934f, Delta = 0.443506852043971f;
    private const float K = 1.230174104914001f, TwoOverK = 1.625732422f;

    public static void Inverse(float[] coefficients, int width, Resolution[] resolutions, float[] scratch)
    {
        for (int r = 1; r < resolutions.Length; r++)
        {
            var res = resolutions[r];
            var low = resolutions[r - 1];
            int w = res.Width, h = res.Height;
            if (w == 0 || h == 0) continue;
            for (int y = 0; y < h; y++)
                Rows(coefficients.AsSpan(y * width, w), low.Width, (res.X0 & 1) == 1, scratch);
            Columns(coefficients, width, w, h, low.Height, (res.Y0 & 1) == 1, scratch);
        }
    }

    private static void Rows(Span<float> row, int lowCount, bool oddStart, float[] scratch)
    {
        int n = row.Length;
        if (n == 1)
        {
            if (oddStart) row[0] *= 0.5f;
            return;
        }
        var x = scratch.AsSpan(0, n);
        int lowAt = oddStart ? 1 : 0, highAt = 1 - lowAt;
        for (int k = 0, i = lowAt; i < n; k++, i += 2) x[i] = row[k] * K;
        for (int k = 0, i = highAt; i < n; k++, i += 2) x[i] = row[lowCount + k] * TwoOverK;
        Lift(x, lowAt, -Delta);
        Lift(x, highAt, -Gamma);
        Lift(x, lowAt, -Beta);
        Lift(x, highAt, -Alpha);
        x.CopyTo(row);
    }

    /// <summary>x[i] += factor · (x[i − 1] + x[i + 1]) for every other i from <paramref name="first"/>, mirrored at the ends.</summary>
    private static void Lift(Span<float> x, int first, float factor)
    {
        int n = x.Length, i = first;
        if (i == 0)
        {
            x[0] += factor * (x[1] + x[1]);
            i = 2;
        }
        for (; i < n - 1; i += 2) x[i] += factor * (x[i - 1] + x[i + 1]);
        if (i == n - 1) x[i] += factor * (x[i - 1] + x[n - 2]);
    }

    private static void Columns(float[] c, int stride, int w, int h, int lowCount, bool oddStart, float[] scratch)
    {
        if (h == 1)
        {
            if (oddStart) for (int x = 0; x < w; x++) c[x] *= 0.5f;
            return;
        }
        int lowAt = oddStart ? 1 : 0, highAt = 1 - lowAt;
        for (int k = 0, i = lowAt; i < h; k++, i += 2)
        {
            var source = c.AsSpan(k * stride, w);
            var target = scratch.AsSpan(i * w, w);
            for (int x = 0; x < w; x++) target[x] = source[x] * K;
        }
        for (int k = 0, i = highAt; i < h; k++, i += 2)
        {
            var source = c.AsSpan((lowCount + k) * stride, w);
            var target = scratch.AsSpan(i * w, w);
            for (int x = 0; x < w; x++) target[x] = source[x] * TwoOverK;
        }
        LiftRows(scratch, w, h, lowAt, -Delta);
        LiftRows(scratch, w, h, highAt, -Gamma);
        LiftRows(scratch, w, h, lowAt, -Beta);
        LiftRows(scratch, w, h, highAt, -Alpha);
        for (int i = 0; i < h; i++) scratch.AsSpan(i * w, w).CopyTo(c.AsSpan(i * stride, w));
    }

    private static void LiftRows(float[] s, int w, int h, int first, float factor)
    {
        for (int i = first; i < h; i += 2)
        {
            var row = s.AsSpan(i * w, w);
            ReadOnlySpan<float> above = s.AsSpan((i == 0 ? 1 : i - 1) * w, w), below = s.AsSpan((i + 1 < h ? i + 1 : h - 2) * w, w);
            int x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                // Same operations in the same order as the scalar loop (multiply, then add): no fused multiply-add.
                var f = new Vector<float>(factor);
                for (; x <= w - Vector<float>.Count; x += Vector<float>.Count)
                    (new Vector<float>(row[x..]) + f * (new Vector<float>(above[x..]) + new Vector<float>(below[x..]))).CopyTo(row[x..]);
            }
            for (; x < w; x++) row[x] += factor * (above[x] + below[x]);
        }
    }
}
