namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// The coding parameters of a JPEG-LS scan (T.87 C.2.4.1.1): the largest sample value MAXVAL, the gradient
/// thresholds T1 ≤ T2 ≤ T3 that quantise local gradients into contexts, RESET (how often context statistics are
/// halved) and NEAR (the largest reconstruction error; 0 is lossless). An LSE segment may set any of the first five;
/// a 0 there, or no LSE at all, means the default computed from the precision and NEAR.
/// </summary>
internal sealed record JpegLsParameters(int MaxValue, int T1, int T2, int T3, int Reset, int Near)
{
    private const int BasicT1 = 3, BasicT2 = 7, BasicT3 = 21, DefaultReset = 64;

    /// <summary>The parameters of a scan: <paramref name="preset"/>'s non-zero values, defaults for the rest, all checked.</summary>
    public static JpegLsParameters Resolve(int precision, int near, JpegLsParameters? preset, JpegLsDecoder.ErrorContext context)
    {
        int maxValue = preset is { MaxValue: > 0 } ? preset.MaxValue : (1 << precision) - 1;
        if (maxValue >= 1 << precision) throw context.Corrupt($"MAXVAL {maxValue} does not fit {precision}-bit samples");
        if (near > Math.Min(255, maxValue / 2)) throw context.Corrupt($"NEAR {near} exceeds min(255, MAXVAL/2) for MAXVAL {maxValue}");

        // Default thresholds (C.2.4.1.1.1), scaled from the 8-bit basic values by the sample range and widened by NEAR.
        int t1, t2, t3;
        if (maxValue >= 128)
        {
            int factor = (Math.Min(maxValue, 4095) + 128) / 256;
            t1 = Clamp(factor * (BasicT1 - 2) + 2 + 3 * near, near + 1, maxValue);
            t2 = Clamp(factor * (BasicT2 - 3) + 3 + 5 * near, t1, maxValue);
            t3 = Clamp(factor * (BasicT3 - 4) + 4 + 7 * near, t2, maxValue);
        }
        else
        {
            int factor = 256 / (maxValue + 1);
            t1 = Clamp(Math.Max(2, BasicT1 / factor + 3 * near), near + 1, maxValue);
            t2 = Clamp(Math.Max(3, BasicT2 / factor + 5 * near), t1, maxValue);
            t3 = Clamp(Math.Max(4, BasicT3 / factor + 7 * near), t2, maxValue);
        }
        int reset = DefaultReset;
        if (preset is not null)
        {
            if (preset.T1 != 0) t1 = preset.T1;
            if (preset.T2 != 0) t2 = preset.T2;
            if (preset.T3 != 0) t3 = preset.T3;
            if (preset.Reset != 0) reset = preset.Reset;
        }
        if (t1 < near + 1 || t1 > maxValue || t2 < t1 || t2 > maxValue || t3 < t2 || t3 > maxValue)
            throw context.Corrupt($"thresholds T1 {t1}, T2 {t2}, T3 {t3} are not ordered within {near + 1}..{maxValue}");
        if (reset < 3 || reset > Math.Max(255, maxValue))
            throw context.Corrupt($"RESET {reset} is outside 3..{Math.Max(255, maxValue)}");
        return new JpegLsParameters(maxValue, t1, t2, t3, reset, near);
    }

    /// <summary>T.87's CLAMP: a default outside low..maximum becomes low.</summary>
    private static int Clamp(int value, int low, int maximum) => value > maximum || value < low ? low : value;
}
