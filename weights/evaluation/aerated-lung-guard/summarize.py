#!/usr/bin/env python3
"""The rule's groups 1 and 3 from ablate-postprocessing's ablation.csv files: per case the Dice of Holes3D (the
default output) and AeratedGuard, the change, and per file (a group of the rule) the mean change and the worst case.
Usage: summarize.py ablation.csv ..."""
import csv, sys
for path in sys.argv[1:]:
    rows = {}
    for r in csv.DictReader(open(path)):
        rows.setdefault(r['case'], {})[r['step']] = r
    changes = []
    print(path)
    for case, steps in rows.items():
        a, b = steps['Holes3D'], steps['AeratedGuard']
        d = float(b['dice']) - float(a['dice'])
        changes.append(d)
        print(f"  {case:24s} Holes3D {float(a['dice']):.4f} (FPR {100 * float(a['false_positive_rate']):5.1f} %)  "
              f"AeratedGuard {float(b['dice']):.4f} (FPR {100 * float(b['false_positive_rate']):5.1f} %, FNR {100 * float(a['false_negative_rate']):.2f} -> {100 * float(b['false_negative_rate']):.2f} %)  {d:+.4f}")
    print(f"  mean change {sum(changes) / len(changes):+.4f}, smallest {min(changes):+.4f}, largest {max(changes):+.4f}")
