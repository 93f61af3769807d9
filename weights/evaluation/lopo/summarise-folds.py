#!/usr/bin/env python3
"""Leave-one-patient-out table in the model card's layout: Dice of each fold's held-out patient per severity (normal,
mild, moderate, severe), then mean ± SD over the folds of Dice, Jaccard, FNR, FPR and the relative HU and volume
differences. Each fold is given by the cases.csv of its `reproduce` report.
Usage: summarise-folds.py FOLD=CASES_CSV ...   prints Markdown
Example: summarise-folds.py Case_000=lopo-ce/Case_000/study/report/cases.csv Case_009=../cases.csv
"""
import csv, statistics, sys

SEVERITIES = ["normal", "mild", "moderate", "severe"]
# (column in cases.csv, row label, scale, digits)
METRICS = [
    ("dice", "**Dice, mean ± SD**", 1, 4),
    ("jaccard", "Jaccard", 1, 4),
    ("false_negative_rate", "false-negative rate (%)", 100, 1),
    ("false_positive_rate", "false-positive rate (%)", 100, 1),
    ("relative_mean_hu_difference", "relative mean HU difference (%)", 1, 1),
    ("relative_volume_difference", "relative volume difference (%)", 1, 1),
]


def signed(value, digits):
    """Fixed digits, a typographic minus, and no "-0.0" for a value that rounds to zero."""
    text = f"{round(value, digits) + 0.0:.{digits}f}"
    return text.replace("-", "−")


def severity(case_id):
    return next((s for s in SEVERITIES[1:] if f"_{s}_" in case_id), "normal")


def fold_rows(path):
    with open(path) as f:
        rows = {severity(r["id"]): r for r in csv.DictReader(f)}
    missing = [s for s in SEVERITIES if s not in rows]
    if missing:
        sys.exit(f"{path}: no case for {', '.join(missing)}")
    return rows


folds = [tuple(arg.split("=", 1)) for arg in sys.argv[1:]]
if not folds:
    sys.exit(__doc__)
table = {fold: fold_rows(path) for fold, path in folds}
print("| test patient: Dice | " + " | ".join(SEVERITIES) + " |")
print("| --- | " + " | ".join("---:" for _ in SEVERITIES) + " |")
for fold, _ in folds:
    print(f"| {fold} | " + " | ".join(f"{float(table[fold][s]['dice']):.4f}" for s in SEVERITIES) + " |")
for column, label, scale, digits in METRICS:
    cells = []
    for s in SEVERITIES:
        values = [scale * float(table[fold][s][column]) for fold, _ in folds]
        spread = statistics.stdev(values) if len(values) > 1 else float("nan")
        cells.append(f"{signed(statistics.mean(values), digits)} ± {spread:.{digits}f}")
    print(f"| {label} | " + " | ".join(cells) + " |")
