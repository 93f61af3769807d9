#!/usr/bin/env python3
"""Puts the shipped file's and the candidate's scores (two score.sh folders) side by side with RULE.md's groups and
margins, and the LIDC slice's Dice between the two files' masks.
Usage: compare.py SHIPPED_SCORE_FOLDER CANDIDATE_SCORE_FOLDER"""
import csv, sys
import nibabel as nib
import numpy as np

shipped_dir, candidate_dir = sys.argv[1:3]

def scores(folder):
    rows = {r['id']: r for r in csv.DictReader(open(f'{folder}/study/report/cases.csv'))}
    rows.update({r['id']: r for r in csv.DictReader(open(f'{folder}/unseen/study/report/cases.csv'))})
    return rows

def lidc(folder):
    return np.asarray(nib.load(f'{folder}/unseen/lidc0.nii.gz').dataobj) > 0

shipped, candidate = scores(shipped_dir), scores(candidate_dir)
for case in candidate:
    s, c = shipped[case], candidate[case]
    print(f"{case:24s} shipped {float(s['dice']):.4f} (FPR {float(s['false_positive_rate']):5.1%}, FNR {float(s['false_negative_rate']):5.1%})"
          f"  candidate {float(c['dice']):.4f} (FPR {float(c['false_positive_rate']):5.1%}, FNR {float(c['false_negative_rate']):5.1%})"
          f"  {float(c['dice']) - float(s['dice']):+.4f}")

def mean(rows, ids):
    return sum(float(rows[i]['dice']) for i in ids) / len(ids)

cip = [c for c in candidate if c.startswith('CIP')]
groups = [  # name, ids, margin (candidate - shipped must be at least this)
    ('Case_009 severe s1-s3', [f'Case_009_severe_s{s}' for s in (1, 2, 3)], +0.003),
    ('Case_009 hard h1_01-04', [f'Case_009_hard_h1_0{h}' for h in (1, 2, 3, 4)], +0.005),
    ('Case_009 normal', ['Case_009'], -0.002),
    ('Case_009 mild s1', ['Case_009_mild_s1'], -0.002),
    ('Case_009 moderate s1-s3', [f'Case_009_moderate_s{s}' for s in (1, 2, 3)], -0.001),
] + [(case, [case], -0.005) for case in cip] + [('CIP mean', cip, -0.002)]
for name, ids, margin in groups:
    s, c = mean(shipped, ids), mean(candidate, ids)
    print(f"{name:24s} shipped {s:.4f}  candidate {c:.4f}  ({c - s:+.4f}; needs >= {margin:+.3f}: {'pass' if c - s >= margin else 'FAIL'})")
a, b = lidc(shipped_dir), lidc(candidate_dir)
print(f"LIDC slice: Dice of the candidate's mask with the shipped one {2 * (a & b).sum() / (a.sum() + b.sum()):.4f} (needs >= 0.95)")
for name, folder in (('shipped', shipped_dir), ('candidate', candidate_dir)):
    print(f"{name}: " + open(f'{folder}/unseen.txt').read().strip().splitlines()[-1])
