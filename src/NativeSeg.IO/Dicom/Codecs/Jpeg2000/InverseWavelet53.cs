using System.Numerics;

namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The reversible 5/3 inverse wavelet transform in integers (T.800 F.3, lifting steps of Table F.3 with symmetric
/// extension): per resolution level, every row (HOR_SR) then every column (VER_SR) of the Mallat-ordered
/// coefficients. The column pass runs on whole rows at a time so that each lifting step is a loop over contiguous
/// memory.
/// </summary>
internal static class InverseWavelet53
{
    /// <summary>Inverts all levels of a tile-component held as <paramref name="width"/>-strided coefficients.</summary>
    public static void Inverse(int[] coefficients, int width, Resolution[] resolutions, int[] scratch)
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

    /// <summary>One row: low-pass samples first, then high-pass; interleaved and lifted in place.</summary>
    private static void Rows(Span<int> row, int lowCount, bool oddStart, int[] scratch)
    {
        int n = row.Length;
        if (n == 1)
        {
            if (oddStart) row[0] /= 2; // a lone high-pass sample (T.800 F.3.7)
            return;
        }
        var x = scratch.AsSpan(0, n);
        int lowAt = oddStart ? 1 : 0, highAt = 1 - lowAt;
        for (int k = 0, j = lowAt; j < n; k++, j += 2) x[j] = row[k];
        for (int k = 0, j = highAt; j < n; k++, j += 2) x[j] = row[lowCount + k];
        // Step 1 on even (low-pass) positions, then step 2 on odd (high-pass) positions; neighbours mirror at the ends
        // (x[−1] = x[1], x[n] = x[n − 2]), handled outside the loops.
        int i = lowAt;
        if (i == 0)
        {
            x[0] -= (x[1] + x[1] + 2) >> 2;
            i = 2;
        }
        for (; i < n - 1; i += 2) x[i] -= (x[i - 1] + x[i + 1] + 2) >> 2;
        if (i == n - 1) x[i] -= (x[i - 1] + x[n - 2] + 2) >> 2;
        i = highAt;
        if (i == 0)
        {
            x[0] += (x[1] + x[1]) >> 1;
            i = 2;
        }
        for (; i < n - 1; i += 2) x[i] += (x[i - 1] + x[i + 1]) >> 1;
        if (i == n - 1) x[i] += (x[i - 1] + x[n - 2]) >> 1;
        x.CopyTo(row);
    }

    /// <summary>row −= ⌊(above + below + 2) / 4⌋, a vector of columns at a time.</summary>
    private static void Predict(Span<int> row, ReadOnlySpan<int> above, ReadOnlySpan<int> below)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var two = new Vector<int>(2);
            for (; x <= row.Length - Vector<int>.Count; x += Vector<int>.Count)
            {
                var sum = new Vector<int>(above[x..]) + new Vector<int>(below[x..]) + two;
                (new Vector<int>(row[x..]) - Vector.ShiftRightArithmetic(sum, 2)).CopyTo(row[x..]);
            }
        }
        for (; x < row.Length; x++) row[x] -= (above[x] + below[x] + 2) >> 2;
    }

    /// <summary>row += ⌊(above + below) / 2⌋, a vector of columns at a time.</summary>
    private static void Update(Span<int> row, ReadOnlySpan<int> above, ReadOnlySpan<int> below)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; x <= row.Length - Vector<int>.Count; x += Vector<int>.Count)
            {
                var sum = new Vector<int>(above[x..]) + new Vector<int>(below[x..]);
                (new Vector<int>(row[x..]) + Vector.ShiftRightArithmetic(sum, 1)).CopyTo(row[x..]);
            }
        }
        for (; x < row.Length; x++) row[x] += (above[x] + below[x]) >> 1;
    }

    /// <summary>All columns at once: rows are interleaved into scratch, lifted row against row, and copied back.</summary>
    private static void Columns(int[] c, int stride, int w, int h, int lowCount, bool oddStart, int[] scratch)
    {
        if (h == 1)
        {
            if (oddStart) for (int x = 0; x < w; x++) c[x] /= 2;
            return;
        }
        int lowAt = oddStart ? 1 : 0, highAt = 1 - lowAt;
        for (int k = 0, i = lowAt; i < h; k++, i += 2) c.AsSpan(k * stride, w).CopyTo(scratch.AsSpan(i * w, w));
        for (int k = 0, i = highAt; i < h; k++, i += 2) c.AsSpan((lowCount + k) * stride, w).CopyTo(scratch.AsSpan(i * w, w));
        for (int i = lowAt; i < h; i += 2)
            Predict(scratch.AsSpan(i * w, w), scratch.AsSpan((i == 0 ? 1 : i - 1) * w, w), scratch.AsSpan((i + 1 < h ? i + 1 : h - 2) * w, w));
        for (int i = highAt; i < h; i += 2)
            Update(scratch.AsSpan(i * w, w), scratch.AsSpan((i == 0 ? 1 : i - 1) * w, w), scratch.AsSpan((i + 1 < h ? i + 1 : h - 2) * w, w));
        for (int i = 0; i < h; i++) scratch.AsSpan(i * w, w).CopyTo(c.AsSpan(i * stride, w));
    }
}
