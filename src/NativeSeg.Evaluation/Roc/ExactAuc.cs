namespace NativeSeg.Evaluation.Roc;

/// <summary>
/// AUC of scores held in memory, by midranks (Mann–Whitney form: ties count ½), the quantity scikit-learn's
/// <c>roc_auc_score</c> returns. For small data and as the reference the histogram is checked against.
/// </summary>
public static class ExactAuc
{
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count)
            throw new ArgumentException($"AUC: {scores.Count} scores but {positive.Count} labels.");
        int n = scores.Count;
        int[] order = Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]]) end++;
            double midrank = (start + end) / 2.0 + 1.0;
            for (int k = start; k <= end; k++)
                if (positive[order[k]]) { positiveRankSum += midrank; positives++; }
            start = end + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
