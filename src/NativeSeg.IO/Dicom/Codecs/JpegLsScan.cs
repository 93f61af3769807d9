namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// Decodes the entropy-coded data of one single-component JPEG-LS scan (T.87 annex A), line by line. Context state
/// (A, B, C, N per context; Nn for the two run-interruption contexts) lives here, one instance per frame.
/// </summary>
internal sealed class JpegLsScan
{
    private const int RegularContexts = 365, MinC = -128, MaxC = 127;

    /// <summary>Run-length order per RUNindex (T.87 A.7.1.1): a 1 bit in run mode stands for 2^J[RUNindex] samples.</summary>
    private static readonly int[] J = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    private readonly int _rows, _columns, _near, _maxValue, _range, _qbpp, _limit, _reset, _step;
    private readonly sbyte[] _gradientClass; // quantised gradient −4..4, indexed by gradient + MAXVAL
    private readonly Context[] _contexts = new Context[RegularContexts + 2]; // 365 regular, then the two run-interruption contexts
    private int _runIndex;

    /// <summary>
    /// One context's statistics (A.2.2): A, the sum of error magnitudes; B, the bias sum; C, the bias correction;
    /// N, the occurrence count; Nn, the count of negative errors (run-interruption contexts only).
    /// </summary>
    private struct Context
    {
        public int A, B, C, N, Nn;
    }

    public JpegLsScan(JpegLsParameters p, int rows, int columns)
    {
        _rows = rows;
        _columns = columns;
        _near = p.Near;
        _maxValue = p.MaxValue;
        _reset = p.Reset;
        _step = 2 * _near + 1;
        // A.2.1: the range of quantised prediction errors, the bits to code one, and the Golomb code length limit.
        _range = (_maxValue + 2 * _near) / _step + 1;
        _qbpp = BitsFor(_range - 1);
        int bpp = Math.Max(2, BitsFor(_maxValue));
        _limit = 2 * (bpp + Math.Max(8, bpp));

        _gradientClass = new sbyte[2 * _maxValue + 1];
        for (int d = -_maxValue; d <= _maxValue; d++)
            _gradientClass[d + _maxValue] = (sbyte)Quantize(d, p.T1, p.T2, p.T3, _near);

        int initialA = Math.Max(2, (_range + 32) / 64);
        _contexts.AsSpan().Fill(new Context { A = initialA, N = 1 });
    }

    /// <summary>The number of bits of a value (⌈log2(value + 1)⌉).</summary>
    private static int BitsFor(int value) => 32 - int.LeadingZeroCount(value);

    private static int Quantize(int d, int t1, int t2, int t3, int near) =>
        d <= -t3 ? -4 : d <= -t2 ? -3 : d <= -t1 ? -2 : d < -near ? -1 : d <= near ? 0 : d < t1 ? 1 : d < t2 ? 2 : d < t3 ? 3 : 4;

    public void Decode(ReadOnlySpan<byte> data, int start, Span<int> samples, JpegLsDecoder.ErrorContext errors)
    {
        var reader = new JpegLsBitReader(data, start);
        // Two lines with one extra sample at each end: index i + 1 holds column i. The ends carry the edge rules of
        // A.2.1: Ra of the first column is the sample above it (Rb), Rd of the last column repeats Rb, and Rc of the
        // first column is the previous line's Ra there. Before the first line everything is 0.
        var previous = new int[_columns + 2];
        var current = new int[_columns + 2];
        for (int y = 0; y < _rows; y++)
        {
            current[0] = previous[1];
            previous[_columns + 1] = previous[_columns];
            int x = 0;
            while (x < _columns)
            {
                int ra = current[x], rb = previous[x + 1], rc = previous[x], rd = previous[x + 2];
                int q1 = _gradientClass[rd - rb + _maxValue], q2 = _gradientClass[rb - rc + _maxValue], q3 = _gradientClass[rc - ra + _maxValue];
                if ((q1 | q2 | q3) == 0)
                {
                    x = DecodeRun(ref reader, x, ra, previous, current, errors);
                }
                else
                {
                    current[x + 1] = DecodeRegular(ref reader, q1, q2, q3, ra, rb, rc, errors);
                    x++;
                }
            }
            current.AsSpan(1, _columns).CopyTo(samples.Slice(y * _columns, _columns));
            if (reader.Overrun) break;
            (previous, current) = (current, previous);
        }
        if (reader.Overrun) throw errors.Corrupt("the JPEG-LS scan ends before all samples were decoded");
    }

    private int DecodeRegular(ref JpegLsBitReader reader, int q1, int q2, int q3, int ra, int rb, int rc, JpegLsDecoder.ErrorContext errors)
    {
        // Context (A.3.4): the sign of the first non-zero quantised gradient is folded out, leaving 364 contexts.
        int q = 81 * q1 + 9 * q2 + q3;
        int sign = q >> 31 | 1; // −1 or +1
        q *= sign;

        // Median edge detector (A.4.1), then the context's bias correction (A.4.2).
        int prediction = rc >= Math.Max(ra, rb) ? Math.Min(ra, rb) : rc <= Math.Min(ra, rb) ? Math.Max(ra, rb) : ra + rb - rc;

        ref var context = ref _contexts[q];
        prediction = Math.Clamp(prediction + sign * context.C, 0, _maxValue);
        int k = GolombOrder(context.N, context.A);
        int mapped = ReadGolomb(ref reader, k, _limit, errors);
        int error = (mapped >> 1) ^ -(mapped & 1); // inverse of A.5.2's mapping: 0, −1, 1, −2, 2 …
        if (_near == 0 && k == 0 && 2 * context.B <= -context.N) error = ~error; // …or −1, 0, −2, 1 … when the bias is negative

        // Context update (A.6.1) and bias correction update (A.6.2).
        context.B += error * _step;
        context.A += Math.Abs(error);
        if (context.N == _reset)
        {
            context.A >>= 1;
            context.B = context.B >= 0 ? context.B >> 1 : -((1 - context.B) >> 1);
            context.N >>= 1;
        }
        context.N++;
        if (context.B <= -context.N)
        {
            context.B += context.N;
            if (context.C > MinC) context.C--;
            if (context.B <= -context.N) context.B = -context.N + 1;
        }
        else if (context.B > 0)
        {
            context.B -= context.N;
            if (context.C < MaxC) context.C++;
            if (context.B > 0) context.B = 0;
        }
        return Reconstruct(prediction, sign * error);
    }

    /// <summary>
    /// Run mode (A.7): 1 bits each stand for 2^J[RUNindex] more samples equal to Ra (or the rest of the line); a 0 bit
    /// ends the run with J[RUNindex] bits of remaining length, and the sample that interrupted it follows.
    /// Returns the column after the run (and its interruption sample).
    /// </summary>
    private int DecodeRun(ref JpegLsBitReader reader, int x, int ra, int[] previous, int[] current, JpegLsDecoder.ErrorContext errors)
    {
        int remaining = _columns - x, count = 0;
        bool interrupted = false;
        while (true)
        {
            if (reader.ReadBit() == 1)
            {
                int block = 1 << J[_runIndex];
                int n = Math.Min(block, remaining - count);
                count += n;
                if (n == block && _runIndex < 31) _runIndex++;
                if (count == remaining) break;
            }
            else
            {
                count += reader.Read(J[_runIndex]);
                if (count >= remaining) throw errors.Corrupt("a JPEG-LS run reaches past the end of its line");
                interrupted = true;
                break;
            }
            if (reader.Overrun) throw errors.Corrupt("the JPEG-LS scan ends inside a run");
        }
        current.AsSpan(x + 1, count).Fill(ra);
        x += count;
        if (!interrupted) return x;

        current[x + 1] = DecodeRunInterruption(ref reader, ra, previous[x + 1], errors);
        if (_runIndex > 0) _runIndex--;
        return x + 1;
    }

    /// <summary>The sample that ends a run (A.7.2), coded against Ra or Rb in one of two contexts of its own.</summary>
    private int DecodeRunInterruption(ref JpegLsBitReader reader, int ra, int rb, JpegLsDecoder.ErrorContext errors)
    {
        int type = Math.Abs(ra - rb) <= _near ? 1 : 0;
        int prediction = type == 1 ? ra : rb;
        int sign = type == 0 && ra > rb ? -1 : 1;
        ref var context = ref _contexts[RegularContexts + type];
        int temp = type == 0 ? context.A : context.A + (context.N >> 1);
        int k = GolombOrder(context.N, temp);
        int mapped = ReadGolomb(ref reader, k, _limit - J[_runIndex] - 1, errors);

        // Inverse of A.7.2's mapping EMErrval = 2|Errval| − RItype − map: the parity of EMErrval + RItype is map, and
        // map is set for negative errors exactly when k ≠ 0 or 2·Nn ≥ N (for positive errors: the opposite).
        int t = mapped + type;
        int map = t & 1;
        int magnitude = (t + map) >> 1;
        bool negativeWhenMapped = k != 0 || 2 * context.Nn >= context.N;
        int error = (map == 1) == negativeWhenMapped ? -magnitude : magnitude;

        if (error < 0) context.Nn++;
        context.A += (mapped + 1 - type) >> 1;
        if (context.N == _reset)
        {
            context.A >>= 1;
            context.N >>= 1;
            context.Nn >>= 1;
        }
        context.N++;
        return Reconstruct(prediction, sign * error);
    }

    /// <summary>Prediction plus the dequantised error, taken back into the sample range modulo RANGE·(2·NEAR+1) (A.4.4).</summary>
    private int Reconstruct(int prediction, int error)
    {
        int value = prediction + error * _step;
        if (value < -_near) value += _range * _step;
        else if (value > _maxValue + _near) value -= _range * _step;
        return Math.Clamp(value, 0, _maxValue);
    }

    /// <summary>The Golomb parameter k: the least k with N·2^k ≥ A.</summary>
    private static int GolombOrder(int n, int a)
    {
        int k = 0;
        while (((long)n << k) < a) k++;
        return k;
    }

    /// <summary>
    /// A length-limited Golomb code (A.5.3): q zeros and a 1, then k bits; or, when q reaches LIMIT − qbpp − 1, the
    /// value minus one in qbpp bits.
    /// </summary>
    private int ReadGolomb(ref JpegLsBitReader reader, int k, int limit, JpegLsDecoder.ErrorContext errors)
    {
        int escape = limit - _qbpp - 1;
        if (escape < 0) throw errors.Corrupt("the Golomb code length limit is below the sample size");
        int zeros = reader.ReadUnary(escape + 1);
        if (zeros > escape) throw errors.Corrupt("a JPEG-LS Golomb code is longer than its limit");
        if (zeros == escape) return reader.Read(_qbpp) + 1;
        if (k > 24) throw errors.Corrupt($"Golomb parameter {k} is out of range");
        return zeros << k | reader.Read(k);
    }
}
