#!/usr/bin/python3
"""Reference numbers for NativeSeg.Evaluation's statistics, computed with Debian 12's packages:
python3-scipy 1.10.1 (norm, shapiro, mannwhitneyu), python3-statsmodels 0.13.5 (lilliefors, pvalmethod='approx')
python3-sklearn 1.2.1 (roc_auc_score) and python3-mpmath (40-digit normal CDF). Run: /usr/bin/python3 make_statistics_reference.py > statistics_reference.json
The samples themselves are stored in the JSON, so the C# tests need no random generator of NumPy's."""
import json
import numpy as np
import scipy, statsmodels, sklearn
from scipy import stats
from statsmodels.stats.diagnostic import lilliefors
from sklearn.metrics import roc_auc_score

rng = np.random.RandomState(20201117)
r = lambda a: [float(v) for v in a]

samples = {
    "n3": [1.0, 2.0, 4.0],
    "n4": [0.2, 0.9, 1.1, 3.5],
    "n5": r(rng.normal(0, 1, 5)),
    "n7_skewed": r(rng.exponential(1.0, 7)),
    "n11": r(rng.normal(5, 2, 11)),
    "n12": r(rng.normal(5, 2, 12)),
    "n20_normal": r(rng.normal(0.97, 0.01, 20)),
    "n20_ties": r(np.round(rng.normal(0, 1, 20), 1)),
    "n30_exponential": r(rng.exponential(2.0, 30)),
    "n50_uniform": r(rng.uniform(0, 1, 50)),
    "n150_normal": r(rng.normal(-2.7, 0.4, 150)),
    "n150_lognormal": r(rng.lognormal(0, 0.8, 150)),
    "n1000_t3": r(rng.standard_t(3, 1000)),
}

shapiro = {}
for name, x in samples.items():
    w, p = stats.shapiro(x)
    shapiro[name] = {"w": float(w), "p": float(p)}

lillie = {}
for name, x in samples.items():
    if len(x) < 4:
        continue
    d, p = lilliefors(np.array(x), dist="norm", pvalmethod="approx")
    lillie[name] = {"d": float(d), "p": float(p)}

pairs = {
    "exact_3_4": ([1.1, 2.3, 0.4], [3.2, 4.5, 2.9, 5.0]),
    "exact_5_8": (r(rng.normal(0, 1, 5)), r(rng.normal(0.8, 1, 8))),
    "exact_8_20": (r(rng.normal(0, 1, 8)), r(rng.normal(0.5, 1, 20))),
    "exact_1_6": ([2.5], [0.1, 0.2, 3.0, 4.0, 5.0, 6.0]),
    "exact_extreme_7_9": (r(np.arange(7) + 0.5), r(np.arange(9) + 100.0)),
    "asymptotic_10_12": (r(rng.normal(0, 1, 10)), r(rng.normal(1, 1, 12))),
    "ties_6_7": ([1, 2, 2, 3, 4, 4], [2, 3, 4, 5, 5, 6, 7]),
    "ties_20_25": (r(np.round(rng.normal(0, 1, 20), 0)), r(np.round(rng.normal(0.3, 1, 25), 0))),
    "paper_like_20_20": (r(rng.normal(0.980, 0.003, 20)), r(rng.normal(0.971, 0.017, 20))),
    "identical": ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]),
    "large_200_300": (r(rng.normal(0, 1, 200)), r(rng.normal(0.2, 1, 300))),
}
mwu = {}
for name, (x, y) in pairs.items():
    res = stats.mannwhitneyu(x, y)  # defaults: two-sided, use_continuity=True, method='auto'
    mwu[name] = {"x": r(x), "y": r(y), "u": float(res.statistic), "p": float(res.pvalue)}

normal_points = [-37.0, -20.0, -8.5, -5.0, -3.0, -2.5, -1.0, -0.3, 0.0, 0.4, 1.96, 2.6, 4.0, 7.0, 9.0]
quantile_points = [1e-300, 1e-20, 1e-8, 1e-4, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-10]
import mpmath  # python3-mpmath, a dependency of python3-sympy; 40 digits as the exact reference
mpmath.mp.dps = 40
dense_points = [round(-12.0 + 0.137 * i, 3) for i in range(100)]  # -12 .. 1.56, off the 1/4 grid of our Taylor anchors
normal = {
    "cdf_mpmath": [[x, float(mpmath.ncdf(x))] for x in dense_points],
    "cdf": [[x, float(stats.norm.cdf(x))] for x in normal_points],
    "sf": [[x, float(stats.norm.sf(x))] for x in normal_points],
    "ppf": [[p, float(stats.norm.ppf(p))] for p in quantile_points],
}

labels = (rng.uniform(0, 1, 400) < 0.4)
continuous = np.where(labels, rng.normal(0.7, 0.2, 400), rng.normal(0.4, 0.2, 400)).clip(0, 1)
grid = np.round(continuous * 20) / 20  # many ties, values on a 1/20 grid
auc = {
    "continuous": {"scores": r(continuous), "labels": [bool(v) for v in labels],
                   "auc": float(roc_auc_score(labels, continuous))},
    "ties_on_twentieths": {"scores": r(grid), "labels": [bool(v) for v in labels],
                           "auc": float(roc_auc_score(labels, grid))},
    "binary_scores": {"scores": r((continuous > 0.5).astype(float)), "labels": [bool(v) for v in labels],
                      "auc": float(roc_auc_score(labels, (continuous > 0.5).astype(float)))},
}

descriptive = {}
for name in ["n11", "n20_ties", "n50_uniform"]:
    x = np.array(samples[name])
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    descriptive[name] = {"min": float(x.min()), "max": float(x.max()), "mean": float(x.mean()),
                         "sd": float(x.std(ddof=1)), "median": float(med), "q1": float(q1), "q3": float(q3)}

print(json.dumps({
    "generator": f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, sklearn {sklearn.__version__}",
    "samples": samples, "shapiro": shapiro, "lilliefors": lillie, "mannwhitneyu": mwu,
    "normal": normal, "auc": auc, "descriptive": descriptive,
}, indent=1))
