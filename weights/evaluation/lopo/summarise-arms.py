#!/usr/bin/env python3
"""Table of the leave-one-patient-out arms (run-lopo-arm.sh): per fold and arm, Dice (and
FNR/FPR) of the held-out patient's four cases, then mean ± SD. An arm is the suffix of each fold's study-ARM folder.
Usage: summarise-arms.py WORK_FOLDER ARM=LABEL ...  (WORK_FOLDER as given to run-lopo.sh); prints Markdown.
Example: summarise-arms.py lopo "single=single slice (control)" "context5=slice ± 5 mm"
"""
import csv, statistics, sys

work = sys.argv[1]
folds = ["Case_000", "Case_005", "Case_007", "Case_009"]
arms = [tuple(arg.split("=", 1)) for arg in sys.argv[2:]]
severities = ["normal", "mild", "moderate", "severe"]

def severity(case_id):
    return next((s for s in severities[1:] if f"_{s}_" in case_id), "normal")

def rows(fold, arm):
    with open(f"{work}/{fold}/study-{arm}/report/cases.csv") as f:
        return {severity(r["id"]): r for r in csv.DictReader(f)}

table = {(fold, arm): rows(fold, arm) for fold in folds for arm, _ in arms}
print("| fold: Dice normal / mild / moderate / severe | " + " | ".join(name for _, name in arms) + " |")
print("| --- | " + " | ".join("---" for _ in arms) + " |")
for fold in folds:
    cells = [" / ".join(f"{float(table[fold, arm][s]['dice']):.4f}" for s in severities) for arm, _ in arms]
    print(f"| {fold} | " + " | ".join(cells) + " |")
for metric, label, scale, digits in [("dice", "Dice", 1, 4), ("false_negative_rate", "FNR %", 100, 1), ("false_positive_rate", "FPR %", 100, 1)]:
    cells = []
    for arm, _ in arms:
        parts = []
        for s in severities:
            values = [scale * float(table[fold, arm][s][metric]) for fold in folds]
            parts.append(f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}")
        cells.append(" / ".join(parts))
    print(f"| {label}: mean ± SD | " + " | ".join(cells) + " |")
