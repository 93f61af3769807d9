#!/bin/bash
# Scores a candidate of the severe-seeds trial (RULE.md) as the rule asks: cut at 0.6 (set-threshold), reproduce on the
# trial set's Case_009 cases (normal, mild s1, moderate s1-s3, severe s1-s3), then ../all-patients/check-unseen.sh,
# and the rule's per-severity means against a baseline cases.csv (the shipped file's: shipped-case009.csv).
# Usage: score-trial.sh NATIVESEG SHARED_DATA TRIAL_SET/manifest.json CANDIDATE.safetensors BASELINE_CASES.csv OUT
set -e
NS=$1; SHARED=$2; MANIFEST=$3; W=$4; BASE=$5; OUT=$6
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p $OUT
rm -rf $OUT/study
bash "$HERE/../lopo/cross-entropy/threshold-engine.sh" "$NS" "$MANIFEST" "$W" 0.6 $OUT > /dev/null
/usr/bin/python3 - "$BASE" $OUT/study/report/cases.csv <<'PY'
import csv, sys
def dice(path):
    return {r['id']: float(r['dice']) for r in csv.DictReader(open(path))}
base, cand = dice(sys.argv[1]), dice(sys.argv[2])
groups = {'normal': ['Case_009'], 'mild': ['Case_009_mild_s1'],
          'moderate s1-s3': [f'Case_009_moderate_s{s}' for s in (1, 2, 3)],
          'severe s1-s3': [f'Case_009_severe_s{s}' for s in (1, 2, 3)]}
for case in cand:
    print(f'{case:22s} baseline {base[case]:.4f}  candidate {cand[case]:.4f}  ({cand[case] - base[case]:+.4f})')
for name, ids in groups.items():
    b = sum(base[i] for i in ids) / len(ids); c = sum(cand[i] for i in ids) / len(ids)
    print(f'{name:22s} baseline {b:.4f}  candidate {c:.4f}  ({c - b:+.4f})')
PY
bash "$HERE/../all-patients/check-unseen.sh" "$NS" "$SHARED" $OUT/weights-t0.6.safetensors $OUT/unseen
