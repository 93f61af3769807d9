namespace NativeSeg.Evaluation.Roc;

/// <summary>
/// Voxel-wise ROC without keeping voxel scores: the scores of positive (reference lung) and negative voxels are
/// counted in <see cref="BinCount"/> equal bins over [0, 1] per class (bin = ⌊p·B⌋, p = 1 in the last bin), so memory
/// is 2·B counts whatever the number of voxels, and histograms of many cases add up to the pooled ROC of a group.
/// <para>Precision: bins are monotone in p, so two scores can only change order if they share a bin (differ by less
/// than 1/B). Pairs sharing a bin count as ties (½), exactly as tied scores do in the Mann–Whitney form of the AUC
/// that scikit-learn's <c>roc_auc_score</c> computes. Each bin also remembers its first score and whether a different
/// score has fallen into it ("mixed"). A bin that is not mixed holds one score value, so its pairs are true ties and
/// are counted exactly. The AUC is therefore exact whenever no bin is mixed (for instance any map quantised to levels
/// at least 1/B apart, such as 8-bit maps k/255, or a binary mask), and otherwise off by at most
/// <see cref="AucErrorBound"/> = ½·Σ_(mixed b) pos_b·neg_b / (P·N), computed per histogram. For a network's sigmoid
/// output with B = 65 536, bins are 1.5e-5 wide and the bound is typically below 1e-4.</para>
/// </summary>
public sealed class RocHistogram
{
    public const int DefaultBinCount = 1 << 16;

    public RocHistogram(int binCount = DefaultBinCount)
    {
        if (binCount < 2)
            throw new ArgumentOutOfRangeException(nameof(binCount), binCount, "A ROC histogram needs at least 2 bins.");
        BinCount = binCount;
        Positive = new long[binCount];
        Negative = new long[binCount];
        _firstScore = new float[binCount];
        Array.Fill(_firstScore, float.NaN); // NaN differs from every score: an empty bin takes the first score it sees
        _mixed = new bool[binCount];
    }

    private readonly float[] _firstScore; // meaningful only where the bin is not empty
    private readonly bool[] _mixed;       // the bin holds at least two distinct scores

    public int BinCount { get; }

    /// <summary>Counts of reference-positive voxels per score bin.</summary>
    public long[] Positive { get; }

    /// <summary>Counts of reference-negative voxels per score bin.</summary>
    public long[] Negative { get; }

    public long PositiveTotal => Positive.Sum();

    public long NegativeTotal => Negative.Sum();

    public int BinOf(float score)
    {
        if (!(score >= 0f && score <= 1f))
            throw new ArgumentOutOfRangeException(nameof(score), score, "A probability must lie in [0, 1].");
        int bin = (int)(score * (double)BinCount);
        return bin >= BinCount ? BinCount - 1 : bin;
    }

    public void Add(float score, bool positive)
    {
        int bin = BinOf(score);
        Track(bin, score);
        if (positive) Positive[bin]++;
        else Negative[bin]++;
    }

    /// <summary>Adds scores with their labels (non-zero = positive), as <see cref="Add(float, bool)"/> one by one.</summary>
    public void Add(ReadOnlySpan<float> scores, ReadOnlySpan<byte> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"ROC: {scores.Length} scores but {labels.Length} labels.");
        long[] positive = Positive, negative = Negative;
        float binCount = BinCount;
        int last = BinCount - 1;
        for (int i = 0; i < scores.Length; i++)
        {
            float score = scores[i];
            if (!(score >= 0f && score <= 1f))
                throw new ArgumentOutOfRangeException(nameof(scores), score, "A probability must lie in [0, 1].");
            int bin = Math.Min((int)(score * binCount), last); // B is a power of two by default: the product is exact
            if (score != _firstScore[bin] && !_mixed[bin]) // once mixed, a bin stays mixed: skip the bookkeeping
                Track(bin, score);
            if (labels[i] != 0) positive[bin]++;
            else negative[bin]++;
        }
    }

    /// <summary>Adds a binary prediction as scores 0 and 1 (non-zero = predicted positive), labels non-zero = positive.</summary>
    public void AddBinary(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> labels)
    {
        if (predicted.Length != labels.Length)
            throw new ArgumentException($"ROC: {predicted.Length} predictions but {labels.Length} labels.");
        // counts[2·predicted + label]
        Span<long> counts = stackalloc long[4];
        for (int i = 0; i < predicted.Length; i++)
            counts[(predicted[i] != 0 ? 2 : 0) + (labels[i] != 0 ? 1 : 0)]++;
        AddCounts(0f, negatives: counts[0], positives: counts[1]);
        AddCounts(1f, negatives: counts[2], positives: counts[3]);
    }

    private void AddCounts(float score, long negatives, long positives)
    {
        if (negatives + positives == 0)
            return;
        int bin = BinOf(score);
        Track(bin, score);
        Positive[bin] += positives;
        Negative[bin] += negatives;
    }

    private void Track(int bin, float score)
    {
        if (Positive[bin] == 0 && Negative[bin] == 0)
            _firstScore[bin] = score;
        else if (score != _firstScore[bin])
            _mixed[bin] = true;
    }

    /// <summary>Number of bins holding more than one distinct score (0 means the AUC is exact).</summary>
    public int MixedBinCount => _mixed.Count(m => m);

    public void Add(RocHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.BinCount != BinCount)
            throw new ArgumentException($"Cannot add a ROC histogram of {other.BinCount} bins to one of {BinCount}.");
        for (int b = 0; b < BinCount; b++)
        {
            bool otherEmpty = other.Positive[b] == 0 && other.Negative[b] == 0;
            if (otherEmpty)
                continue;
            if (Positive[b] == 0 && Negative[b] == 0)
            {
                _firstScore[b] = other._firstScore[b];
                _mixed[b] = other._mixed[b];
            }
            else
            {
                _mixed[b] |= other._mixed[b] || other._firstScore[b] != _firstScore[b];
            }
            Positive[b] += other.Positive[b];
            Negative[b] += other.Negative[b];
        }
    }

    /// <summary>
    /// AUC = P(score of a positive &gt; score of a negative) + ½·P(equal bin): Σ_b pos_b·(neg below b + ½·neg_b) / (P·N).
    /// NaN when either class is empty.
    /// </summary>
    public double Auc
    {
        get
        {
            double positives = PositiveTotal, negatives = NegativeTotal;
            if (positives == 0 || negatives == 0)
                return double.NaN;
            double sum = 0, negativesBelow = 0;
            for (int b = 0; b < BinCount; b++)
            {
                sum += Positive[b] * (negativesBelow + 0.5 * Negative[b]);
                negativesBelow += Negative[b];
            }
            return sum / (positives * negatives);
        }
    }

    /// <summary>Largest possible difference between <see cref="Auc"/> and the AUC of the unbinned scores.</summary>
    public double AucErrorBound
    {
        get
        {
            double positives = PositiveTotal, negatives = NegativeTotal;
            if (positives == 0 || negatives == 0)
                return double.NaN;
            double shared = 0;
            for (int b = 0; b < BinCount; b++)
                if (_mixed[b])
                    shared += (double)Positive[b] * Negative[b];
            return 0.5 * shared / (positives * negatives);
        }
    }

    /// <summary>
    /// ROC points (false-positive rate, true-positive rate) for thresholds at the bin edges from above 1 down to 0:
    /// starts at (0, 0), ends at (1, 1); only bins that hold voxels add a point.
    /// </summary>
    public IReadOnlyList<RocPoint> Curve()
    {
        double positives = PositiveTotal, negatives = NegativeTotal;
        var points = new List<RocPoint> { new(0, 0, 1.0) };
        if (positives == 0 || negatives == 0)
            return points;
        double tp = 0, fp = 0;
        for (int b = BinCount - 1; b >= 0; b--)
        {
            if (Positive[b] == 0 && Negative[b] == 0)
                continue;
            tp += Positive[b];
            fp += Negative[b];
            points.Add(new RocPoint(fp / negatives, tp / positives, (double)b / BinCount));
        }
        return points;
    }
}

/// <summary>One point of a ROC curve: voxels with score ≥ <see cref="Threshold"/> are called positive.</summary>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);
